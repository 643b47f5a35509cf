/// Records carry `JSONValue` fields; users of this module get the type without importing `JSON` themselves.
@_exported import JSON
