// Length limits of request fields, read from the OpenAPI document so an
// input stops where the server would refuse. A property without `maxLength`
// in the document has no limit here (the server still validates).

import { components } from '../../openapi.json'
import type { components as Generated } from './schema'

type Schemas = Generated['schemas']
type PropertyOf<S extends keyof Schemas> = Extract<keyof Schemas[S], string>

/** The part of an OpenAPI document the limits are read from. */
export interface SchemaDoc {
  schemas: Record<string, { properties?: Record<string, { maxLength?: number }> }>
}

export function maxLengthIn(doc: SchemaDoc, schema: string, property: string): number | undefined {
  return doc.schemas[schema]?.properties?.[property]?.maxLength
}

/** The most characters `schema.property` may hold, or undefined when the document sets no limit. */
export function maxLength<S extends keyof Schemas>(schema: S, property: PropertyOf<S>): number | undefined {
  return maxLengthIn(components as SchemaDoc, schema, property)
}

/** Attributes for an Element Plus input: `maxlength` and a character count where there is a limit. */
export function limitAttrs(max: number | undefined): { maxlength?: number; showWordLimit?: boolean } {
  return max === undefined ? {} : { maxlength: max, showWordLimit: true }
}

export function lengthLimit<S extends keyof Schemas>(schema: S, property: PropertyOf<S>): { maxlength?: number; showWordLimit?: boolean } {
  return limitAttrs(maxLength(schema, property))
}
