import { graphErrors } from './fake-meta-graph.errors';
import type { FakeMetaTemplate, FakeMetaTemplateComponent } from './fake-meta-graph.types';

/**
 * Checks a `template` message object against the registered template: name and language
 * (132001), status (132015 / 132016), the number of body/header parameters (132000), media
 * header format (132012), and the shape of every parameter (100, naming the parameter).
 */

const PARAMETER_TYPES = [
  'text',
  'currency',
  'date_time',
  'image',
  'video',
  'document',
  'location',
  'payload',
  'coupon_code',
];

export function validateTemplateMessage(
  template: unknown,
  available: FakeMetaTemplate[],
): FakeMetaTemplate {
  if (!isRecord(template)) throw graphErrors.required('template');
  checkKeys(template, ['name', 'language', 'components'], 'template');
  if (typeof template.name !== 'string' || template.name === '') {
    throw graphErrors.required("template['name']");
  }
  if (!isRecord(template.language)) throw graphErrors.required("template['language']");
  checkKeys(template.language, ['code', 'policy'], "template['language']");
  const code = template.language.code;
  if (typeof code !== 'string' || code === '') {
    throw graphErrors.required("template['language']['code']");
  }
  const components = template.components ?? [];
  if (!Array.isArray(components)) {
    throw graphErrors.param("Param template['components'] must be an array.");
  }

  const registered = available.find((t) => t.name === template.name && t.language === code);
  if (!registered) throw graphErrors.templateNotFound(template.name, code);
  const status = registered.status ?? 'APPROVED';
  if (status === 'PAUSED') throw graphErrors.templatePaused(registered.name);
  if (status === 'DISABLED') throw graphErrors.templateDisabled(registered.name);
  if (status !== 'APPROVED') throw graphErrors.templateNotFound(template.name, code);

  const given = components.map((component: unknown, index) => readComponent(component, index));
  checkBody(registered, given);
  checkHeader(registered, given);
  checkButtons(registered, given);
  return registered;
}

interface GivenComponent {
  type: 'header' | 'body' | 'button';
  index: number;
  path: string;
  parameters: Array<Record<string, unknown>>;
  subType: string | null;
  buttonIndex: number | null;
}

function readComponent(component: unknown, index: number): GivenComponent {
  const path = `template['components'][${index}]`;
  if (!isRecord(component)) throw graphErrors.param(`Param ${path} must be an object.`);
  checkKeys(component, ['type', 'sub_type', 'index', 'parameters'], path);
  const type = typeof component.type === 'string' ? component.type.toLowerCase() : null;
  if (type !== 'header' && type !== 'body' && type !== 'button') {
    throw graphErrors.param(
      `Param ${path}['type'] must be one of {HEADER, BODY, BUTTON} - got ${JSON.stringify(component.type ?? null)}.`,
    );
  }
  const parameters = component.parameters ?? [];
  if (!Array.isArray(parameters)) {
    throw graphErrors.param(`Param ${path}['parameters'] must be an array.`);
  }
  const checked = parameters.map((parameter: unknown, i) =>
    readParameter(parameter, `${path}['parameters'][${i}]`),
  );
  let subType: string | null = null;
  let buttonIndex: number | null = null;
  if (type === 'button') {
    if (typeof component.sub_type !== 'string') {
      throw graphErrors.required(`${path}['sub_type']`);
    }
    subType = component.sub_type.toLowerCase();
    buttonIndex = Number(component.index);
    if (component.index === undefined || !Number.isInteger(buttonIndex) || buttonIndex < 0) {
      throw graphErrors.required(`${path}['index']`);
    }
  }
  return { type, index, path, parameters: checked, subType, buttonIndex };
}

function readParameter(parameter: unknown, path: string): Record<string, unknown> {
  if (!isRecord(parameter)) throw graphErrors.param(`Param ${path} must be an object.`);
  const type = parameter.type;
  if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type)) {
    throw graphErrors.param(
      `Param ${path}['type'] must be one of {${PARAMETER_TYPES.join(', ').toUpperCase()}} - got ${JSON.stringify(type ?? null)}.`,
    );
  }
  const value = parameter[type];
  if (type === 'text') {
    if (typeof value !== 'string' || value === '') {
      throw graphErrors.param(
        `Parameter 'text' is mandatory for component parameter type 'text' (${path}['text']).`,
      );
    }
  } else if (type === 'image' || type === 'video' || type === 'document') {
    if (!isRecord(value) || (typeof value.link !== 'string' && typeof value.id !== 'string')) {
      throw graphErrors.param(`Param ${path}['${type}'] must contain a link or an id.`);
    }
  } else if (value === undefined) {
    throw graphErrors.required(`${path}['${type}']`);
  }
  return parameter;
}

function placeholders(text: string): number {
  return new Set([...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((match) => match[1])).size;
}

function componentOf<T extends FakeMetaTemplateComponent['type']>(
  template: FakeMetaTemplate,
  type: T,
): Extract<FakeMetaTemplateComponent, { type: T }> | undefined {
  return template.components.find(
    (c): c is Extract<FakeMetaTemplateComponent, { type: T }> => c.type === type,
  );
}

function checkBody(template: FakeMetaTemplate, given: GivenComponent[]): void {
  const body = componentOf(template, 'BODY');
  const expected = body ? placeholders(body.text) : 0;
  const count = given
    .filter((component) => component.type === 'body')
    .reduce((sum, component) => sum + component.parameters.length, 0);
  if (count !== expected) throw graphErrors.templateParamCount('body', count, expected);
}

function checkHeader(template: FakeMetaTemplate, given: GivenComponent[]): void {
  const header = componentOf(template, 'HEADER');
  const headers = given.filter((component) => component.type === 'header');
  const parameters = headers.flatMap((component) => component.parameters);
  if (!header || header.format === 'TEXT') {
    const expected = header && 'text' in header ? placeholders(header.text) : 0;
    if (parameters.length !== expected) {
      throw graphErrors.templateParamCount('header', parameters.length, expected);
    }
    return;
  }
  const received = parameters[0]?.type;
  if (parameters.length !== 1 || received !== header.format.toLowerCase()) {
    throw graphErrors.templateFormat(
      `header: Format mismatch, expected ${header.format}, received ${typeof received === 'string' ? received.toUpperCase() : 'UNKNOWN'}`,
    );
  }
}

const BUTTON_SUB_TYPES: Record<string, string> = {
  quick_reply: 'QUICK_REPLY',
  url: 'URL',
  copy_code: 'COPY_CODE',
};

function checkButtons(template: FakeMetaTemplate, given: GivenComponent[]): void {
  const buttons = componentOf(template, 'BUTTONS')?.buttons ?? [];
  const givenButtons = given.filter((component) => component.type === 'button');
  for (const component of givenButtons) {
    const button = buttons[component.buttonIndex!];
    const expectedType = BUTTON_SUB_TYPES[component.subType!];
    if (!expectedType) {
      throw graphErrors.param(
        `Param ${component.path}['sub_type'] must be one of {QUICK_REPLY, URL, COPY_CODE} - got "${component.subType}".`,
      );
    }
    if (!button || button.type !== expectedType) {
      throw graphErrors.param(
        `Param ${component.path}['index'] does not refer to a ${expectedType} button of template ${template.name}.`,
      );
    }
  }
  buttons.forEach((button, index) => {
    const dynamic = button.type === 'URL' && placeholders(button.url) > 0;
    const component = givenButtons.find((c) => c.buttonIndex === index);
    const count = component?.parameters.length ?? 0;
    if (dynamic && count !== 1) {
      throw graphErrors.templateParamCount(`button at index ${index} of type Url`, count, 1);
    }
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkKeys(value: Record<string, unknown>, allowed: string[], param: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw graphErrors.param(`Unexpected key "${key}" on param "${param}".`);
    }
  }
}
