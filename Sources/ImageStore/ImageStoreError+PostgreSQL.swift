import PostgreSQL

/// PostgreSQL's errors in the store's terms: nothing above `ImageStore` sees a `PostgreSQLError`.
extension ImageStoreError {
    /// The case `error` falls into; its SQLSTATE (as `code`, the five characters packed base 36) and message kept.
    /// A lost connection is `busy` (the same call may succeed on the next connection), as are lock and statement
    /// timeouts.
    init(_ error: PostgreSQLError) {
        let code = Int32(error.sqlState, radix: 36) ?? 0
        let message = error.sqlState.isEmpty ? error.message : "\(error.sqlState): \(error.message)"
        let failure = DatabaseFailure(code: code, extendedCode: code, message: message)
        if error.isConnectionLost || error.isBusy {
            self = .busy(failure)
        } else if error.isConstraintViolation {
            self = .constraintViolation(failure)
        } else if error.sqlState.hasPrefix("53") || error.sqlState.hasPrefix("58") || error.sqlState == "25006" {
            // Insufficient resources (disk full), system errors, a read-only transaction: the database's storage.
            self = .fileFailure(failure)
        } else {
            self = .databaseFailure(failure)
        }
    }

    /// `error` as the store throws it: a `PostgreSQLError` mapped, anything else as it is.
    static func mappedPostgreSQL(_ error: any Error) -> any Error {
        if let error = error as? PostgreSQLError { return ImageStoreError(error) }
        return error
    }
}
