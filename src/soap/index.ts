// The public face of the SOAP/XML layer: other folders import only from here.
export {
  parseXml, childrenNamed, attributeNS, resolveQName, defaultXmlLimits, XmlError, isXmlError,
} from './xml-tree.js';
export type { XmlElement, XmlLimits, XmlErrorKind } from './xml-tree.js';
export {
  buildEnvelope, openEnvelope, readEnvelope, soapRequestHeaders, envelopeNamespace, SoapEnvelopeError, isSoapEnvelopeError,
} from './envelope.js';
export type { EnvelopeReading, ReadEnvelopeOptions, SoapVersion, SoapReply, XmlNode, SoapEnvelopeErrorKind } from './envelope.js';
export { XmlWorkerPool, XmlWorkerError, isXmlWorkerError, retainXmlWorkers } from './xml-workers.js';
export type { XmlWorkerPoolOptions, XmlWorkerErrorKind } from './xml-workers.js';
export { SoapRequestError, isSoapRequestError } from './request-error.js';
export { illegalCharacterIn } from './xml-text.js';
export type { SoapRequestErrorKind } from './request-error.js';
export { parseFault } from './fault.js';
export type { SoapFault } from './fault.js';
export { loadWsdl, WsdlError } from './wsdl.js';
export type { ElementShape, WsdlContract, WsdlOperation } from './wsdl.js';
export { WsSecurity, isWsSecurityFault, passwordDigest, WSSE_NS, WSU_NS, PASSWORD_DIGEST, PASSWORD_TEXT } from './ws-security.js';
export type { UsernameTokenOptions, WsSecurityOptions, X509SigningOptions } from './ws-security.js';
