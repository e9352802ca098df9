/**
 * The ports the demo uses by default (the WSDLs' `soap:address` name the first two). The CRM
 * behind WS-Security runs only when given a password (`ficus stubs`, SECURE_CRM_PASSWORD).
 */
export const DEFAULT_STUB_PORTS = { crm: 8701, policy: 8702, modern: 8703, secureCrm: 8704 } as const;
