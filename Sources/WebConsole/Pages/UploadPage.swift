import Configuration
import HTTPServer
import ImagesAPI
import JSON

/// Upload: drag and drop or pick several files; each is checked against the settings in the browser, then sent
/// by a real direct creator upload to the URL `POST api/upload-url/` hands out (console.js).
extension ConsoleContext {
    func uploadPage(_ visit: Visit) async throws -> Response {
        let settings = api.settings
        let formats = settings.allowedFormats.sorted()
        let types = formats.flatMap(\.mediaTypes).joined(separator: ",")
        let extensions = formats.flatMap(\.fileExtensions).joined(separator: ",")
        let accept = (formats.flatMap(\.mediaTypes) + formats.flatMap(\.fileExtensions).map { "." + $0 }).joined(
            separator: ",")
        let signed: HTML = settings.requireSignedURLs ? " checked" : ""
        let body: HTML = """
            <h1>Upload images</h1>\
            <form id="upload-form" class="panel" data-max-bytes="\(settings.maxFileSizeMB << 20)" data-types="\(types)" \
            data-extensions="\(extensions)" data-upload-url="\(base)/upload-url" data-status-base="\(base)/images/" \
            data-detail-base="\(base)/images/" data-gallery="\(base)/images">\
            <div class="dropzone" id="dropzone"><p>Drop images here, or</p>\
            <label for="files" class="button secondary">Choose files</label>\
            <input type="file" id="files" name="files" multiple accept="\(accept)" class="visually-hidden">\
            <p class="small muted">\(formats.map(\.rawValue).joined(separator: ", ")); at most \(settings.maxFileSizeMB) MB each.</p></div>\
            <ul class="files" id="upload-list" aria-live="polite"></ul>\
            <div class="form-row"><div><label for="metadata">Metadata (JSON object)</label>\
            <textarea id="metadata" name="metadata" placeholder="{&quot;album&quot;: &quot;pets&quot;}"></textarea></div>\
            <div><label for="expiry">Upload URL lifetime (minutes, 2 to 360)</label>\
            <input type="number" id="expiry" name="expiry" min="2" max="360" placeholder="\(settings.defaultExpiryMinutes)">\
            <label class="check"><input type="checkbox" id="require-signed" name="require_signed_urls"\(signed)> Require signed URLs (private)</label></div></div>\
            <button type="submit" id="upload-start">Upload</button> <span id="upload-summary" role="status"></span></form>
            """
        return page(visit, "Upload", current: .upload, body)
    }

    /// `POST upload-url` (JSON, from console.js): the body goes to `POST api/upload-url/` as it is.
    func uploadURL(_ visit: Visit) async throws -> Response {
        guard let body = try? JSONValue.parse(visit.request.body), body.objectValue != nil else {
            return ConsoleResponse.json(
                Array(#"{"detail": "Send a JSON object."}"#.utf8), status: .badRequest, csp: csp)
        }
        let (status, json) = await call(visit, .post, "upload-url/", body: body)
        return ConsoleResponse.json((json ?? .object([:])).jsonBytes, status: HTTPStatus(code: status), csp: csp)
    }
}
