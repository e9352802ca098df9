/** The ports the demo uses by default (the WSDLs' `soap:address` name the first two). */
export const DEFAULT_STUB_PORTS = { crm: 8701, policy: 8702, modern: 8703 } as const;
