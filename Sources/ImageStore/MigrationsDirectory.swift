import Foundation

/// Finds the `Migrations` folder at run time.
public enum MigrationsDirectory {
    /// The packaged location.
    public static let systemPath = "/usr/share/cfimages/Migrations"

    /// The folder to use, by the first rule that finds an existing directory:
    /// 1. `explicit` (the `CFIMAGES_MIGRATIONS_DIR` setting) when given. It is then the only place tried, so a
    ///    mistyped setting fails loudly instead of silently using another folder;
    /// 2. `./Migrations` under `currentDirectory`;
    /// 3. `Migrations` in the nearest ancestor of the running executable's real path (symlinks resolved) that has one;
    /// 4. `/usr/share/cfimages/Migrations`.
    /// - Throws: `MigrationError.directoryNotFound` listing every place looked at.
    public static func locate(
        explicit: String?,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = MigrationsDirectory.executablePath(),
        systemPath: String = MigrationsDirectory.systemPath
    ) throws -> String {
        if let explicit, !explicit.isEmpty {
            guard isDirectory(explicit) else { throw MigrationError.directoryNotFound(searched: [explicit]) }
            return explicit
        }
        var candidates = [currentDirectory + "/Migrations"]
        if let executablePath {
            var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            while true {
                candidates.append(folder.appendingPathComponent("Migrations").path)
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        candidates.append(systemPath)
        if let found = candidates.first(where: isDirectory) { return found }
        throw MigrationError.directoryNotFound(searched: candidates)
    }

    /// The folder of one backend's migrations: `directory/<dialect>` (`sqlite`, `postgresql`) when it exists, else
    /// `directory` itself (a folder holding one backend's files).
    public static func folder(for dialect: String, in directory: String) -> String {
        let nested = directory + "/" + dialect
        return isDirectory(nested) ? nested : directory
    }

    /// The running executable's real path (`/proc/self/exe` on Linux), or nil when unknown.
    public static func executablePath() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
