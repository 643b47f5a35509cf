import HTTPFields
import HTTPServer
import ImageStore

extension APIContext {
    /// The answer to a store that is busy or has lost its database connection (`ImageStoreError.busy`): 503 with
    /// `Retry-After: 1`, since the same request may succeed at once (the next call reconnects); nil for any other
    /// error (the 500).
    static func storeUnavailable(_ error: any Error) -> ErrorResponse? {
        guard case .busy? = error as? ImageStoreError else { return nil }
        var headers = HTTPHeaders()
        headers["Retry-After"] = "1"
        return ErrorResponse.detail(
            .serviceUnavailable, "The database is busy or unreachable; retry shortly.", headers: headers)
    }
}
