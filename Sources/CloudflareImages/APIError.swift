/// One entry of the Cloudflare v4 envelope's `errors` (or `messages`) array.
public struct APIError: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? container.decodeIfPresent(Int.self, forKey: .code)) ?? 0
        message = (try? container.decodeIfPresent(String.self, forKey: .message)) ?? ""
    }

    public var description: String { "\(code): \(message)" }
}
