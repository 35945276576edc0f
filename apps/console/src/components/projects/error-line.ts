import { Decoration, EditorView, StateEffect, StateField, WidgetType, type DecorationSet } from "@uiw/react-codemirror";

export type CompileMark = { line: number; column: number; message: string } | null;

class ErrorWidget extends WidgetType {
  constructor(readonly message: string) {
    super();
  }
  override eq(other: ErrorWidget): boolean {
    return other.message === this.message;
  }
  toDOM(): HTMLElement {
    const el = document.createElement("div");
    el.className = "cm-compile-error";
    el.setAttribute("role", "alert");
    el.textContent = this.message;
    return el;
  }
}

export const setCompileMark = StateEffect.define<CompileMark>();

/**
 * The compile error as a red line plus the message right under it. Block widgets must come
 * from a state field (not a view plugin), hence this shape; edits map it along.
 */
export const compileMarkField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setCompileMark)) continue;
      const mark = e.value;
      if (!mark) {
        next = Decoration.none;
        continue;
      }
      const line = tr.state.doc.line(Math.min(Math.max(1, mark.line), tr.state.doc.lines));
      next = Decoration.set([
        Decoration.line({ class: "cm-compile-error-line" }).range(line.from),
        Decoration.widget({ widget: new ErrorWidget(`line ${mark.line}:${mark.column}: ${mark.message}`), block: true, side: 1 }).range(line.to),
      ]);
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export const compileMarkTheme = EditorView.baseTheme({
  ".cm-compile-error-line": { backgroundColor: "rgba(244, 63, 94, 0.12)" },
  ".cm-compile-error": {
    margin: "2px 0 4px",
    padding: "4px 8px",
    borderLeft: "3px solid #e11d48",
    backgroundColor: "#fff1f2",
    color: "#9f1239",
    fontSize: "12px",
    whiteSpace: "pre-wrap",
  },
});
