import SQLite

/// SQLite's errors in the store's terms: nothing above `ImageStore` sees a `SQLiteError`.
extension ImageStoreError {
    /// The case `error` falls into, its code and message kept.
    init(_ error: SQLiteError) {
        let failure = DatabaseFailure(code: error.code, extendedCode: error.extendedCode, message: error.message)
        if error.isBusy {
            self = .busy(failure)
        } else if error.isConstraint {
            self = .constraintViolation(failure)
        } else if error.isFileFailure {
            self = .fileFailure(failure)
        } else {
            self = .databaseFailure(failure)
        }
    }

    /// `error` as the store throws it: a `SQLiteError` mapped, anything else (ours, or a caller's) as it is.
    static func mapped(_ error: any Error) -> any Error {
        if let error = error as? SQLiteError { return ImageStoreError(error) }
        return error
    }

    /// Runs `body`, mapping what it throws (see `mapped(_:)`).
    @inline(__always)
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw mapped(error)
        }
    }

    /// Runs `body`, mapping what it throws (see `mapped(_:)`).
    @inline(__always)
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw mapped(error)
        }
    }
}
