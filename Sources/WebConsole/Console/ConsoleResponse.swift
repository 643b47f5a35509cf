import HTTPFields
import HTTPServer

/// The console's responses: HTML pages with its security headers, redirects and refusals.
enum ConsoleResponse {
    /// Everything may come from this origin only (scripts and styles from the console's own files, never inline);
    /// images and uploads may also go to the delivery and upload hosts.
    static func contentSecurityPolicy(imageSources: [String], connectSources: [String]) -> String {
        [
            "default-src 'none'", "script-src 'self'", "style-src 'self'",
            "img-src " + (["'self'", "data:", "blob:"] + imageSources).joined(separator: " "),
            "connect-src " + (["'self'"] + connectSources).joined(separator: " "),
            "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    static func securityHeaders(csp: String) -> HTTPHeaders {
        [
            "Content-Security-Policy": csp, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
        ]
    }

    static func page(_ html: HTML, status: HTTPStatus = .ok, csp: String, cookies: [String] = []) -> Response {
        var headers = securityHeaders(csp: csp)
        headers.add("Content-Type", "text/html; charset=utf-8")
        for cookie in cookies { headers.add("Set-Cookie", cookie) }
        return Response(status: status, headers: headers, body: Array(html.text.utf8))
    }

    static func json(_ bytes: [UInt8], status: HTTPStatus = .ok, csp: String) -> Response {
        var headers = securityHeaders(csp: csp)
        headers.add("Content-Type", "application/json")
        return Response(status: status, headers: headers, body: bytes)
    }

    /// 303 See Other to `location` (a path on this server).
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPHeaders = ["Location": location, "Cache-Control": "no-store"]
        for cookie in cookies { headers.add("Set-Cookie", cookie) }
        return Response(status: HTTPStatus(code: 303), headers: headers)
    }
}
