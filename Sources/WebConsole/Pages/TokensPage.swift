import Foundation
import HTTPServer
import ImageStore
import ImagesAPI

/// Admins' tokens: every token (never a key), a form to create one (its key shown once) and revoke buttons
/// (revoking ends the token's console sessions too).
extension ConsoleContext {
    func tokensPage(_ visit: Visit, issued: IssuedToken? = nil, notice: HTML = .empty) async throws -> Response {
        let tokens = try await api.tokens()
        let rows = tokens.map { token -> HTML in
            let action: HTML =
                token.isRevoked
                ? "<span class=\"badge expired\">revoked</span>"
                : """
                <form method="post" action="\(base)/tokens/\(token.id.uuidString.lowercased())/revoke">\
                <input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
                <button type="submit" class="danger" aria-label="Revoke \(token.userName) \(token.label)">Revoke</button></form>
                """
            return
                "<tr><td>\(token.userName)</td><td>\(token.isAdmin ? "admin" : "user")</td><td>\(token.label)</td><td>\(Self.day(token.createdAt))</td><td>\(token.lastUsedAt.map(Self.day) ?? "never")</td><td>\(action)</td></tr>"
        }
        let shown: HTML =
            issued.map { issued in
                "<div class=\"notice ok\" role=\"status\"><p>Token for \(issued.token.userName) created. Copy its key now: it is not shown again.</p><p class=\"key\" id=\"new-key\">\(issued.key)</p><button type=\"button\" class=\"secondary\" data-copy=\"new-key\">Copy</button></div>"
            } ?? .empty
        let body: HTML = """
            <h1>API tokens</h1>\(notice)\(shown)\
            <form method="post" action="\(base)/tokens" class="panel form-row"><input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
            <div><label for="t-user">User name</label><input type="text" id="t-user" name="user" required maxlength="150"></div>\
            <div><label for="t-label">Label</label><input type="text" id="t-label" name="label" maxlength="200"></div>\
            <div><label class="check"><input type="checkbox" name="admin" value="true"> Administrator</label></div>\
            <div><button type="submit" id="create-token">Create token</button></div></form>\
            <div class="table-wrap"><table id="tokens"><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Label</th>\
            <th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Action</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        return page(visit, "Tokens", current: .tokens, body)
    }

    func createToken(_ visit: Visit) async throws -> Response {
        let user = (visit.form["user"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !user.isEmpty, user.count <= 150,
            !user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            return try await tokensPage(
                visit,
                notice:
                    "<p class=\"notice error\" role=\"alert\">Give the user a name (at most 150 characters, no control characters).</p>"
            )
        }
        let label = String((visit.form["label"] ?? "").prefix(200))
        let issued = try await api.createToken(userName: user, isAdmin: visit.form["admin"] == "true", label: label)
        return try await tokensPage(visit, issued: issued)
    }

    func revokeToken(_ visit: Visit) async throws -> Response {
        guard let id = UUID(uuidString: visit.request.pathParameters["token"] ?? ""), try await api.revokeToken(id: id)
        else {
            return try await tokensPage(
                visit, notice: "<p class=\"notice error\" role=\"alert\">No such token, or it was already revoked.</p>")
        }
        if id == visit.session.tokenID { return ConsoleResponse.redirect(base + "/sign-in") }
        return try await tokensPage(
            visit, notice: "<p class=\"notice ok\" role=\"status\">Token revoked; its console sessions are ended.</p>")
    }

    static func day(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
