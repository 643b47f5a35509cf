import Foundation
import HTTPServer
import ImageStore
import ImagesAPI
import JSON

/// Bulk actions on a selection, by the API's bulk endpoints: status check (`bulk_status_check`) and delete
/// (`bulk_delete`, whose in-use protection answers `in_use`; the page then offers a forced delete of those).
extension ConsoleContext {
    func bulkAction(_ visit: Visit) async throws -> Response {
        let ids = visit.form.all("id").filter { !$0.isEmpty }
        guard !ids.isEmpty else {
            return page(
                visit, "Bulk action", current: .gallery,
                "<h1>Nothing selected</h1><p class=\"notice\">Select images in the gallery first.</p><p><a href=\"\(base)/images\">Back to the gallery</a></p>",
                status: .badRequest)
        }
        let action = visit.form["action"] ?? ""
        let force = visit.form["force"] == "true"
        let (status, json): (Int, JSONValue?)
        switch action {
        case "delete":
            (status, json) = await call(
                visit, .post, "images/bulk_delete/",
                body: .object(["ids": .array(ids.map(JSONValue.string)), "force": .bool(force)]))
        case "expire":
            (status, json) = await markExpired(visit, ids)
        case "check":
            (status, json) = await call(
                visit, .post, "images/bulk_status_check/",
                body: .object(["image_ids": .array(ids.map(JSONValue.string))]))
        default:
            return errorPage(.badRequest, "Unknown action. Choose one in the list.", visit: visit)
        }
        guard status == 200 else {
            return page(
                visit, "Bulk action", current: .gallery,
                "<h1>Not done</h1><p class=\"notice error\" role=\"alert\">\(Self.message(json))</p><p><a href=\"\(base)/images\">Back to the gallery</a></p>",
                status: HTTPStatus(code: status))
        }
        let results = Self.array(json?.objectValue?["results"]).compactMap(\.objectValue)
        var inUse: [String] = []
        let rows = results.map { result -> HTML in
            let id = result["id"]?.stringValue ?? result["image_id"]?.stringValue ?? ""
            let outcome =
                result["status"]?.stringValue ?? result["result"]?.stringValue
                ?? (result["error"] != nil ? "error" : "done")
            if outcome == "in_use" { inUse.append(id) }
            let detail = result.filter { !["id", "image_id", "status"].contains($0.key) }
                .sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.stringValue ?? $0.value.jsonText)" }.joined(
                    separator: ", ")
            return
                "<tr><td><a href=\"\(base)/images/\(id)\">\(id)</a></td><td><span class=\"badge \(outcome)\">\(outcome)</span></td><td>\(detail)</td></tr>"
        }
        let confirm: HTML =
            inUse.isEmpty
            ? .empty
            : """
            <div class="panel notice error" id="in-use"><p>\(inUse.count) image(s) are still used by content and were kept. Deleting them breaks that content.</p>\
            <form method="post" action="\(base)/images/bulk"><input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
            <input type="hidden" name="action" value="delete"><input type="hidden" name="force" value="true">\
            \(inUse.map { id -> HTML in "<input type=\"hidden\" name=\"id\" value=\"\(id)\">" })\
            <button type="submit" class="danger" id="force-delete">Delete them anyway</button></form></div>
            """
        let title = ["delete": "Delete", "expire": "Mark expired"][action] ?? "Status check"
        let body: HTML = """
            <h1>\(title): results</h1>\(confirm)<div class="table-wrap"><table id="bulk-results"><thead><tr><th scope="col">Image</th>\
            <th scope="col">Outcome</th><th scope="col">Details</th></tr></thead><tbody>\(rows)</tbody></table></div>\
            <p><a href="\(base)/images">Back to the gallery</a></p>
            """
        return page(visit, title, current: .gallery, body)
    }

    /// The "mark expired" action (``ImagesAPI/markExpired(ids:as:)``), answered as the bulk endpoints answer:
    /// `{"results": [{"id", "status"}]}`.
    func markExpired(_ visit: Visit, _ ids: [String]) async -> (Int, JSONValue?) {
        let uuids = ids.compactMap(UUID.init(uuidString:))
        do {
            let outcomes = try await api.markExpired(ids: uuids, as: visit.identity)
            let results = ids.map { id -> JSONValue in
                let outcome = UUID(uuidString: id).flatMap { outcomes[$0] }?.rawValue ?? "not_found"
                return .object(["id": .string(id), "status": .string(outcome)])
            }
            return (200, .object(["results": .array(results)]))
        } catch let error as any HTTPResponseError {
            let response = error.response
            return (response.status.code, try? JSONValue.parse(response.body))
        } catch {
            return (500, .object(["detail": "Internal server error."]))
        }
    }

    /// `POST images/{id}/check-status` (JSON, for the upload page): `POST api/images/{id}/check_status/`.
    func checkStatus(_ visit: Visit) async throws -> Response {
        let id = visit.request.pathParameters["id"] ?? ""
        let (status, json) = await call(visit, .post, "images/\(URLQuery.encode(id))/check_status/")
        return ConsoleResponse.json((json ?? .object([:])).jsonBytes, status: HTTPStatus(code: status), csp: csp)
    }
}
