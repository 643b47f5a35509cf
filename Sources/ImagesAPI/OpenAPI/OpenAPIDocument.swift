import HTTPServer

/// `GET {prefix}/api/openapi.yaml` (no token): the OpenAPI 3.1 description of the service, `openapi.yaml` at the
/// repository root.
///
/// The document is compiled in (``yaml``, in `OpenAPIDocument+YAML.swift`) so the binary serves it wherever it is
/// installed, with nothing to copy next to it. That file is generated: after editing `openapi.yaml`, run
/// `make openapi`. `OpenAPITests` fails while the two differ.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static let bytes: [UInt8] = Array(yaml.utf8)

    static var response: Response {
        Response(
            status: .ok,
            headers: ["Content-Type": "application/yaml; charset=utf-8", "Cache-Control": "no-cache"],
            body: bytes)
    }
}
