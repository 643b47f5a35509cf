import Foundation
import HTTPFields
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

    /// The service's version: the document's `info.version`, the one place it is written (also what
    /// `cfimages --version` and `/healthz` report).
    public static let version: String = {
        var inInfo = false
        for line in yaml.split(separator: "\n") {
            if line == "info:" {
                inInfo = true
                continue
            }
            if inInfo, !line.hasPrefix(" ") { break }
            if inInfo, line.hasPrefix("  version:") {
                return line.dropFirst("  version:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }()

    static var response: Response {
        Response(
            status: .ok,
            headers: ["Content-Type": "application/yaml; charset=utf-8"],
            body: bytes)
    }
}
