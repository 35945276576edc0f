/** Sample-project templates from @edgelens/vision/templates, as the console lists them. */
import { EdgelensError, type ProjectConfig } from "@edgelens/shared";
import { getTemplate as visionTemplate, listTemplates as visionTemplates } from "@edgelens/vision/templates";

export interface TemplateView {
  name: string;
  title: string;
  description: string;
  /** model slot -> sample model name */
  models: Record<string, string>;
  defaultConfig: ProjectConfig;
}

export interface TemplateSource extends TemplateView {
  functionSource: string;
}

type VisionTemplate = ReturnType<typeof visionTemplate>;

function source(t: VisionTemplate): TemplateSource {
  const loose = t as VisionTemplate & { title?: string; description?: string };
  return {
    name: t.name,
    title: loose.title ?? t.name,
    description: loose.description ?? "",
    models: { ...t.models },
    defaultConfig: { ...t.defaultConfig },
    functionSource: t.functionSource,
  };
}

export function listTemplates(): TemplateView[] {
  return visionTemplates().map((t) => {
    const { functionSource: _f, ...view } = source(t);
    return view;
  });
}

export function getTemplateSource(name: string): TemplateSource {
  let t: VisionTemplate | undefined;
  try {
    t = visionTemplate(name);
  } catch {
    t = undefined;
  }
  if (!t) {
    const names = visionTemplates().map((x) => x.name).join(", ");
    throw new EdgelensError("NOT_FOUND", `no template ${name} (there are: ${names})`, { template: name });
  }
  return source(t);
}
