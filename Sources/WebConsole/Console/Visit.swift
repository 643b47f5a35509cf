import HTTPServer
import ImageStore
import ImagesAPI

/// One signed-in request: the request, its session and the form fields it posted.
struct Visit: Sendable {
    let request: Request
    let session: ConsoleSession
    let form: FormFields

    var identity: AuthenticatedUser {
        AuthenticatedUser(tokenID: session.tokenID, userName: session.userName, isAdmin: session.isAdmin)
    }
}

/// The fields of an `application/x-www-form-urlencoded` body (at most one body's worth, already size-limited by
/// the server).
struct FormFields: Sendable {
    let fields: QueryParameters

    init() { fields = QueryParameters() }

    init(_ request: Request) {
        let text = String(decoding: request.body, as: UTF8.self)
        fields = QueryParameters(parsing: Substring(text))
    }

    subscript(_ name: String) -> String? { fields[name] }

    func all(_ name: String) -> [String] { fields.all(name) }
}
