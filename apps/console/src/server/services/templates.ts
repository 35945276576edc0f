/** Sample-project templates from @edgelens/vision/templates, as the console lists them. */
import type { ProjectConfig } from "@edgelens/shared";
import { getTemplate, listTemplates as visionTemplates } from "@edgelens/vision/templates";

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

export function listTemplates(): TemplateView[] {
  return visionTemplates().map((t) => ({ name: t.name, title: t.title, description: t.description, models: { ...t.models }, defaultConfig: t.defaultConfig }));
}

/** NOT_FOUND (naming the templates there are) for an unknown name. */
export function getTemplateSource(name: string): TemplateSource {
  const t = getTemplate(name);
  return { name: t.name, title: t.title, description: t.description, models: { ...t.models }, defaultConfig: t.defaultConfig, functionSource: t.functionSource };
}
