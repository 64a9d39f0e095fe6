// Types of the one function the tests use from odata-csdl (the OASIS OData TC's CSDL XML to CSDL JSON converter).
declare module 'odata-csdl' {
  export function xml2json(
    xml: string,
    options?: { lineNumbers?: boolean; annotations?: boolean; strict?: boolean; messages?: unknown[] },
  ): Record<string, unknown>;
}
