import ArgumentParser
import Configuration
import ImageStore

/// `cfimages migrate`: apply pending migrations (or list them with `--status`).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @Flag(help: "List applied and pending migrations without applying anything.")
    var status = false

    func run() async throws {
        let context = try await ServiceContext.open(migrate: false)
        defer { context.store.close() }
        let migrator = try ServiceContext.migrator(context.settings, store: context.store)
        if status {
            for migration in try await migrator.applied() {
                print("applied  \(migration.version) \(migration.name)")
            }
            for migration in try await migrator.pending() {
                print("pending  \(migration.version) \(migration.name)")
            }
            return
        }
        let applied = try await migrator.apply()
        if applied.isEmpty {
            print("Database \(context.store.name) is up to date.")
        }
        for migration in applied {
            print("Applied \(migration.version) \(migration.name)")
        }
    }
}
