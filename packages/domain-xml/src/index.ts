// @ferry/domain-xml: libvirt XML in and out, as plain typed data. Depends on nothing but its XML
// library; never on the binding, the server or the UI.
export {
  MAX_XML_CHARS,
  XmlParseError,
  attr,
  child,
  children,
  escapeXml,
  parseXml,
  path,
  textAt,
  type ParseXmlOptions,
  type XmlElement,
} from './xml.ts';
export {
  domainTypesFor,
  findGuest,
  hostVirtualizationFlags,
  parseCapabilities,
  type CapabilitiesDomainType,
  type CapabilitiesGuest,
  type CapabilitiesHostCpu,
  type CapabilitiesMachine,
  type HostCapabilities,
} from './capabilities.ts';
export {
  XmlBuildError,
  element,
  serializeXml,
  withElement,
  type SerializeOptions,
  type XmlAttrValue,
  type XmlContent,
} from './xml-build.ts';
