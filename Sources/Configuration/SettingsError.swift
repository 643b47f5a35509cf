/// A setting that cannot be used. The message names the setting; values of secret settings are never repeated.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let setting: String
    public let reason: String

    public init(setting: String, reason: String) {
        self.setting = setting
        self.reason = reason
    }

    public var description: String { "\(setting): \(reason)" }
}
