import CCurl

/// `curl_global_init` runs exactly once per process, the first time any client is created.
enum CurlGlobal {
    private static let initialized: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Initializes libcurl if needed; throws if libcurl could not be initialized.
    static func ensureInitialized() throws(HTTPClientError) {
        let code = initialized
        guard code == CURLE_OK else {
            throw .transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
    }
}
