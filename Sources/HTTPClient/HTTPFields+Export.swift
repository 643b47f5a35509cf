// The header type this module's API uses, shared with the other HTTP module: callers need not import it.
@_exported import HTTPFields
