import Configuration
import Foundation
import HTTPServer
import ImageStore
import ImagesAPI
import JSON

/// The gallery: the API's image list (same filters, same keyset listing), as cards or a table, with a selection
/// for bulk actions and previous/next pages by keyset cursor (`after`/`before` an image id).
extension ConsoleContext {
    static let pageSize = 48

    /// Console filter fields, passed to `GET api/images/` under the API's own names. The sort options offered are
    /// the indexed orderings (creation and upload time): sorting 1,000,000 rows by size or expiry has no index.
    static let listFilters = [
        "status", "search", "require_signed_urls", "has_variants", "orphaned", "filename", "creator", "ordering",
    ]

    func gallery(_ visit: Visit) async throws -> Response {
        let query = visit.request.query
        let position: ImagesAPI.ListPosition =
            if let after = query["after"].flatMap(UUID.init(uuidString:)) {
                .after(after)
            } else if let before = query["before"].flatMap(UUID.init(uuidString:)) {
                .before(before)
            } else {
                .first
            }
        let grid = query["view"] != "table"
        var apiQuery: [(String, String)] = Self.listFilters.compactMap { name in
            query[name].flatMap { $0.isEmpty ? nil : (name, $0) }
        }
        for field in ["uploaded", "created", "expires"] {
            if let day = query[field + "_from"], !day.isEmpty {
                apiQuery.append((field + "_after", day + "T00:00:00Z"))
            }
            if let day = query[field + "_to"], !day.isEmpty {
                apiQuery.append((field + "_before", day + "T23:59:59.999999Z"))
            }
        }
        if visit.session.isAdmin, let owner = query["owner"], !owner.isEmpty { apiQuery.append(("owner", owner)) }
        if let key = query["meta_key"], !key.isEmpty {
            apiQuery.append(("metadata__" + key, query["meta_value"] ?? ""))
        }
        let response = await api.listPage(
            QueryParameters(apiQuery.map { (name: $0.0, value: $0.1) }), limit: Self.pageSize, from: position,
            as: visit.identity)
        let status = response.status.code
        let json = try? JSONValue.parse(response.body)
        let filters = filterForm(visit, grid: grid)
        guard status == 200, let page = json?.objectValue else {
            let body: HTML =
                "<h1>Images</h1>\(filters)<p class=\"notice error\" role=\"alert\">\(Self.message(json))</p><p>Change the filters and try again.</p>"
            return self.page(
                visit, "Gallery", current: .gallery, body, status: .init(code: status == 200 ? 502 : status))
        }
        let items = Self.array(json)
        let images = items.compactMap { $0.objectValue }.map(GalleryImage.init)
        var thumbnails: [String: String] = [:]
        for image in images where image.requireSigned && image.status == "uploaded" {
            thumbnails[image.id] = await signedURL(visit, image.id, variant: api.settings.thumbnailVariant, expiry: 600)
        }
        let selection: HTML
        if images.isEmpty {
            let hasFilters = !apiQuery.isEmpty
            selection =
                hasFilters
                ? "<div class=\"empty panel\" id=\"empty\"><p>No image matches these filters.</p><p><a href=\"\(base)/images\">Clear the filters</a></p></div>"
                : "<div class=\"empty panel\" id=\"empty\"><p>No images yet.</p><p><a class=\"button\" href=\"\(base)/upload\">Upload the first ones</a></p></div>"
        } else {
            let list: HTML =
                grid
                ? "<ul class=\"grid\" id=\"gallery\">\(images.map { card($0, thumbnail: thumbnails[$0.id] ?? $0.thumbnail) })</ul>"
                : table(images, thumbnails: thumbnails)
            selection = """
                <form method="post" action="\(base)/images/bulk" id="bulk-form">\
                <input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
                <div class="toolbar"><div class="group"><label class="check"><input type="checkbox" data-select-all> Select all on this page</label></div>\
                <div class="group"><label for="bulk-action" class="small">With the selection</label>\
                <select name="action" id="bulk-action"><option value="check">Check status</option><option value="expire">Mark expired</option><option value="delete">Delete</option></select>\
                <button type="submit" id="bulk-apply">Apply</button></div></div>\(list)</form>
                """
        }
        let pager = pagerLinks(visit, next: page["next"]?.stringValue, previous: page["previous"]?.stringValue)
        let body: HTML = """
            <h1>Images</h1>\(filters)\(selection)\(pager)
            """
        return self.page(visit, "Gallery", current: .gallery, body)
    }

    /// A signed delivery URL from the API (`api/images/{id}/url/`), or nil when it has none.
    func signedURL(_ visit: Visit, _ id: String, variant: String?, expiry: Int) async -> String? {
        var query = [("expiry", String(expiry))]
        if let variant { query.append(("variant", variant)) }
        let (status, json) = await call(visit, .get, "images/\(URLQuery.encode(id))/url/", query: query)
        if status == 200 { return json?.objectValue?["url"]?.stringValue }
        if variant != nil { return await signedURL(visit, id, variant: nil, expiry: expiry) }
        return nil
    }

    func filterForm(_ visit: Visit, grid: Bool) -> HTML {
        let q = visit.request.query
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> HTML {
            let current = q[name] ?? ""
            let items = options.map { value, text -> HTML in
                "<option value=\"\(value)\"\(value == current ? HTML(" selected") : .empty)>\(text)</option>"
            }
            return
                "<div><label for=\"f-\(name)\">\(label)</label><select id=\"f-\(name)\" name=\"\(name)\">\(items)</select></div>"
        }
        func field(_ name: String, _ label: String, type: String = "text") -> HTML {
            "<div><label for=\"f-\(name)\">\(label)</label><input type=\"\(type)\" id=\"f-\(name)\" name=\"\(name)\" value=\"\(q[name] ?? "")\"></div>"
        }
        let any = ("", "Any")
        let more = [
            "require_signed_urls", "orphaned", "has_variants", "creator", "owner", "uploaded_from", "uploaded_to",
            "created_from",
            "created_to", "expires_from", "expires_to", "meta_key", "meta_value",
        ]
        let owner: HTML = visit.session.isAdmin ? field("owner", "Owner") : .empty
        let open: HTML = more.contains { !(q[$0] ?? "").isEmpty } ? " open" : ""
        return """
            <form method="get" action="\(base)/images" class="panel" role="search" id="filters"><div class="filters">\
            \(field("search", "Search", type: "search"))\
            \(select("status", "Status", [any, ("pending", "Pending"), ("draft", "Draft"), ("uploaded", "Uploaded"), ("failed", "Failed"), ("expired", "Expired")]))\
            \(select("ordering", "Sort by", [("", "Newest first"), ("created_at", "Oldest first"), ("-uploaded_at", "Recently uploaded"), ("uploaded_at", "First uploaded")]))\
            \(select("view", "View", [("grid", "Gallery"), ("table", "Table")]))</div>\
            <details\(open)><summary>More filters</summary><div class="filters">\
            \(select("require_signed_urls", "Signed URLs", [any, ("true", "Required"), ("false", "Public")]))\
            \(select("orphaned", "Usage", [any, ("true", "Orphaned"), ("false", "In use")]))\
            \(select("has_variants", "Variants", [any, ("true", "Has variants"), ("false", "None")]))\
            \(field("creator", "Creator"))\(owner)\
            \(field("uploaded_from", "Uploaded from", type: "date"))\(field("uploaded_to", "Uploaded to", type: "date"))\
            \(field("created_from", "Created from", type: "date"))\(field("created_to", "Created to", type: "date"))\
            \(field("expires_from", "URL expires from", type: "date"))\(field("expires_to", "URL expires to", type: "date"))\
            \(field("meta_key", "Metadata key"))\(field("meta_value", "Metadata value"))</div></details>\
            <div class="actions"><button type="submit" id="apply-filters">Apply</button><a class="button secondary" href="\(base)/images">Clear</a></div></form>
            """
    }

    func card(_ image: GalleryImage, thumbnail: String?) -> HTML {
        let preview: HTML =
            thumbnail.map { "<img src=\"\($0)\" alt=\"\(image.displayName)\" loading=\"lazy\" class=\"thumbnail\">" }
            ?? "<span class=\"muted small\">No preview (\(image.status))</span>"
        return """
            <li class="card"><a class="thumb" href="\(base)/images/\(image.id)">\(preview)</a><div class="body">\
            <a class="name" href="\(base)/images/\(image.id)">\(image.displayName)</a>\
            <span><span class="badge \(image.status)">\(image.status)</span>\(image.requireSigned ? HTML(" <span class=\"badge\">signed</span>") : .empty)</span>\
            <label class="select"><input type="checkbox" name="id" value="\(image.id)"> Select</label></div></li>
            """
    }

    func table(_ images: [GalleryImage], thumbnails: [String: String]) -> HTML {
        let rows = images.map { image -> HTML in
            let thumbnail = thumbnails[image.id] ?? image.thumbnail
            let preview: HTML =
                thumbnail.map { "<img src=\"\($0)\" alt=\"\" width=\"48\" height=\"36\" class=\"thumbnail\">" }
                ?? .empty
            return """
                <tr><td><input type="checkbox" name="id" value="\(image.id)" aria-label="Select \(image.displayName)"></td>\
                <td>\(preview)</td><td><a href="\(base)/images/\(image.id)">\(image.displayName)</a></td>\
                <td><span class="badge \(image.status)">\(image.status)</span></td><td>\(image.requireSigned ? "yes" : "no")</td>\
                <td>\(image.createdAt)</td><td>\(image.uploadedAt ?? "")</td></tr>
                """
        }
        return """
            <div class="table-wrap"><table id="gallery"><thead><tr><th scope="col">Select</th><th scope="col">Preview</th>\
            <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Signed</th><th scope="col">Created</th>\
            <th scope="col">Uploaded</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    /// Previous and next by keyset cursor (`before`/`after` an image id), the filters kept.
    func pagerLinks(_ visit: Visit, next: String?, previous: String?) -> HTML {
        let kept = visit.request.query.pairs.filter { $0.name != "after" && $0.name != "before" }.map {
            ($0.name, $0.value)
        }
        func link(_ name: String, _ id: String, _ text: String, _ rel: String) -> HTML {
            "<a class=\"button secondary\" rel=\"\(rel)\" href=\"\(base)/images?\(URLQuery.encode(kept + [(name, id)]))\">\(text)</a>"
        }
        var links: [HTML] = []
        if let previous { links.append(link("before", previous, "← Previous", "prev")) }
        if let next { links.append(link("after", next, "Next →", "next")) }
        return links.isEmpty ? .empty : "<nav class=\"pager\" aria-label=\"Pages\">\(links)</nav>"
    }
}

/// The fields of an API image the gallery shows.
struct GalleryImage {
    let id: String
    let displayName: String
    let status: String
    let requireSigned: Bool
    let thumbnail: String?
    let createdAt: String
    let uploadedAt: String?

    init(_ json: [String: JSONValue]) {
        id = json["id"]?.stringValue ?? ""
        let name =
            [json["filename"]?.stringValue, json["original_filename"]?.stringValue].compactMap { $0 }.first {
                !$0.isEmpty
            } ?? ""
        displayName = name.isEmpty ? (json["cloudflare_id"]?.stringValue ?? id) : name
        status = json["status"]?.stringValue ?? "unknown"
        requireSigned = json["require_signed_urls"] == .bool(true)
        thumbnail = requireSigned ? nil : json["thumbnail_url"]?.stringValue
        createdAt = json["created_at"]?.stringValue ?? ""
        uploadedAt = json["uploaded_at"]?.stringValue
    }
}
