"use client";

import { javascript } from "@codemirror/lang-javascript";
import CodeMirror, { EditorView, type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { useEffect, useMemo, useRef } from "react";
import { compileMarkField, compileMarkTheme, setCompileMark, type CompileMark } from "./error-line";

/** The inference function editor: TypeScript highlighting, and the compile error shown at its line. */
export default function FunctionEditor({ value, onChange, readOnly, mark }: { value: string; onChange: (v: string) => void; readOnly: boolean; mark: CompileMark }) {
  const ref = useRef<ReactCodeMirrorRef>(null);
  const extensions = useMemo(() => [javascript({ typescript: true }), compileMarkField, compileMarkTheme, EditorView.lineWrapping], []);

  useEffect(() => {
    const view = ref.current?.view;
    if (!view) return;
    const effects = [setCompileMark.of(mark)];
    if (mark) {
      const line = view.state.doc.line(Math.min(Math.max(1, mark.line), view.state.doc.lines));
      view.dispatch({ effects: [...effects, EditorView.scrollIntoView(line.from, { y: "center" })] });
    } else {
      view.dispatch({ effects });
    }
  }, [mark]);

  return (
    <div className="overflow-hidden rounded-md border border-slate-300 text-sm" data-testid="function-editor">
      <CodeMirror ref={ref} value={value} onChange={onChange} readOnly={readOnly} extensions={extensions} minHeight="320px" maxHeight="70vh" basicSetup={{ foldGutter: false }} />
    </div>
  );
}
