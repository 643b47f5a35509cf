import HTTPServer
import ImageStore
import JSON

/// One image: every field, its variants with previews, the transformation playground, ready markup, the log
/// timeline and the usages. Everything comes from the API's own endpoints for the image.
extension ConsoleContext {
    func detail(_ visit: Visit) async throws -> Response {
        let id = visit.request.pathParameters["id"] ?? ""
        let path = "images/\(URLQuery.encode(id))/"
        let (status, json) = await call(visit, .get, path)
        guard status == 200, let image = json?.objectValue else {
            let message =
                status == 404
                ? "There is no such image, or it is not yours. Check the link or go back to the gallery."
                : Self.message(json)
            return errorPage(HTTPStatus(code: status == 200 ? 502 : status), message, visit: visit)
        }
        let item = GalleryImage(image)
        let variants = Self.array(image["variants"]).compactMap(\.stringValue)
        var previews: [HTML] = []
        for url in variants {
            let name = url.split(separator: "/").last.map(String.init) ?? url
            let shown = item.requireSigned ? await signedURL(visit, id, variant: name, expiry: 600) : url
            previews.append(
                "<figure><img src=\"\(shown ?? "")\" alt=\"Variant \(name)\" class=\"variant\"><figcaption class=\"small\">\(name)</figcaption></figure>"
            )
        }
        let main =
            item.requireSigned
            ? await signedURL(visit, id, variant: nil, expiry: 600) : image["public_url"]?.stringValue

        let fields = image.sorted { $0.key < $1.key }.map { key, value -> HTML in
            let text: String =
                switch value {
                case .string(let s): s
                case .null: "—"
                default: value.jsonText
                }
            return "<dt>\(key)</dt><dd>\(text)</dd>"
        }
        let (_, logsJSON) = await call(visit, .get, path + "logs/")
        let logs = Self.array(logsJSON).compactMap(\.objectValue).map { log -> HTML in
            "<li><span class=\"badge\">\(log["event_type"]?.stringValue ?? "")</span> <time>\(log["timestamp"]?.stringValue ?? "")</time><div>\(log["message"]?.stringValue ?? "")</div></li>"
        }
        let (_, usagesJSON) = await call(visit, .get, path + "usages/")
        let usages = Self.array(usagesJSON).compactMap(\.objectValue).map { usage -> HTML in
            "<tr><td>\(usage["content_type"]?.stringValue ?? "")</td><td>\(usage["object_id"]?.stringValue ?? "")</td><td>\(usage["field_name"]?.stringValue ?? "")</td></tr>"
        }
        let snippet = await snippets(visit, path: path, image: item)
        let previewHTML: HTML =
            main.map { "<img src=\"\($0)\" alt=\"\(item.displayName)\" id=\"detail-image\">" }
            ?? "<p class=\"muted\">No preview: the image is \(item.status). Upload it, then check its status.</p>"
        let body: HTML = """
            <p><a href="\(base)/images">← Gallery</a></p><h1 id="image-title">\(item.displayName)</h1>\
            <div class="split"><section class="panel preview" aria-label="Preview">\(previewHTML)</section>\
            <section class="panel"><h2>Fields</h2><dl class="fields" id="fields">\(fields)</dl>\
            <form method="post" action="\(base)/images/bulk" class="toolbar"><input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
            <input type="hidden" name="id" value="\(id)"><button type="submit" name="action" value="check" class="secondary">Check status</button>\
            <button type="submit" name="action" value="delete" class="danger">Delete</button></form></section></div>\
            <section class="panel"><h2>Variants</h2>\(previews.isEmpty ? HTML("<p class=\"muted\">No variants yet.</p>") : HTML("<div class=\"variants\">\(previews)</div>"))</section>\
            \(playground(item))\(snippet)\
            <div class="split"><section class="panel"><h2>Log</h2>\(logs.isEmpty ? HTML("<p class=\"muted\">No events.</p>") : HTML("<ol class=\"timeline\" id=\"timeline\">\(logs)</ol>"))</section>\
            <section class="panel"><h2>Usages</h2>\(usages.isEmpty ? HTML("<p class=\"muted\" id=\"no-usages\">No content references this image: it is orphaned.</p>") : HTML("<div class=\"table-wrap\"><table id=\"usages\"><thead><tr><th scope=\"col\">Content type</th><th scope=\"col\">Object</th><th scope=\"col\">Field</th></tr></thead><tbody>\(usages)</tbody></table></div>"))</section></div>
            """
        return page(visit, item.displayName, current: .gallery, body)
    }

    func playground(_ image: GalleryImage) -> HTML {
        guard image.status == "uploaded" else { return .empty }
        guard !image.requireSigned else {
            return
                "<section class=\"panel\"><h2>Transformations</h2><p class=\"muted\">Cloudflare serves no transformation options for an image that requires signed URLs; use its named variants.</p></section>"
        }
        func number(_ name: String, _ label: String, _ value: String, _ range: String) -> HTML {
            "<div><label for=\"p-\(name)\">\(label)</label><input type=\"number\" id=\"p-\(name)\" name=\"\(name)\" value=\"\(value)\" \(HTML(stringLiteral: range))></div>"
        }
        func select(_ name: String, _ label: String, _ values: [String]) -> HTML {
            let options = values.map { value -> HTML in
                "<option value=\"\(value)\">\(value.isEmpty ? "default" : value)</option>"
            }
            return
                "<div><label for=\"p-\(name)\">\(label)</label><select id=\"p-\(name)\" name=\"\(name)\">\(options)</select></div>"
        }
        return """
            <section class="panel"><h2>Transformation playground</h2>\
            <form id="playground" data-endpoint="\(base)/images/\(image.id)/url" class="form-row">\
            \(number("width", "Width", "320", "min=\"1\" max=\"12000\""))\(number("height", "Height", "", "min=\"1\" max=\"12000\""))\
            \(select("fit", "Fit", ["", "scale-down", "contain", "cover", "crop", "pad"]))\
            \(select("format", "Format", ["", "auto", "webp", "avif", "jpeg", "png"]))\
            \(number("quality", "Quality", "", "min=\"1\" max=\"100\""))\
            \(number("blur", "Blur", "", "min=\"1\" max=\"250\""))<div><button type="submit" class="secondary">Show</button></div></form>\
            <p class="notice error" id="playground-error" role="alert" hidden></p>\
            <p><code id="playground-url" class="small"></code></p><img id="playground-image" alt="Transformed preview"></section>
            """
    }

    /// `srcset`, `<img>` and `<picture>` from `GET api/images/{id}/srcset/`, each with a copy button.
    func snippets(_ visit: Visit, path: String, image: GalleryImage) async -> HTML {
        guard image.status == "uploaded", !image.requireSigned else { return .empty }
        let query = [("widths", "320,640,1024"), ("alt", image.displayName)]
        let (status, json) = await call(visit, .get, path + "srcset/", query: query)
        guard status == 200, let markup = json?.objectValue else {
            return "<section class=\"panel\"><h2>Markup</h2><p class=\"muted\">\(Self.message(json))</p></section>"
        }
        let (_, pictureJSON) = await call(visit, .get, path + "srcset/", query: query + [("formats", "avif,webp")])
        let texts = [
            ("srcset", "srcset", markup["srcset"]?.stringValue), ("img", "<img>", markup["html"]?.stringValue),
            ("picture", "<picture>", pictureJSON?.objectValue?["html"]?.stringValue),
        ]
        let parts = texts.compactMap { key, label, text -> HTML? in
            guard let text else { return nil }
            return
                "<h3 class=\"small\">\(label)</h3><pre id=\"snippet-\(key)\">\(text)</pre><button type=\"button\" class=\"secondary\" data-copy=\"snippet-\(key)\">Copy</button>"
        }
        return "<section class=\"panel\"><h2>Markup to copy</h2>\(parts)</section>"
    }

    /// `GET images/{id}/url?…`: the playground's JSON, straight from `GET api/images/{id}/url/`.
    func playgroundURL(_ visit: Visit) async throws -> Response {
        let id = visit.request.pathParameters["id"] ?? ""
        let query = visit.request.query.pairs.filter { !$0.value.isEmpty }.map { ($0.name, $0.value) }
        let (status, json) = await call(visit, .get, "images/\(URLQuery.encode(id))/url/", query: query)
        return ConsoleResponse.json(
            (json ?? .object(["detail": "No answer."])).jsonBytes, status: HTTPStatus(code: status), csp: csp)
    }

    static func array(_ json: JSONValue?) -> [JSONValue] {
        switch json {
        case .array(let items)?: items
        case .object(let object)?: if case .array(let items)? = object["results"] { items } else { [] }
        default: []
        }
    }
}
