import Configuration
import Testing

struct DatabaseURLTests {
    @Test func postgreSQLURLsSelectPostgreSQLAndThePasswordIsNeverShown() throws {
        let settings = try Settings(values: [
            "CFIMAGES_DATABASE_URL": "postgresql://app:s3cret@db.internal:5432/cfimages?sslmode=require"
        ])
        let url = try #require(settings.databaseURL)
        #expect(url.connectionString == "postgresql://app:s3cret@db.internal:5432/cfimages?sslmode=require")
        #expect(url.description == "postgresql://app:***@db.internal:5432/cfimages?sslmode=require")
        #expect(!"\(url)".contains("s3cret"))
        let socket = try DatabaseURL("postgresql:///cfimages?host=/run/postgresql&password=pw")
        #expect(!socket.description.contains("pw"))
        #expect(try Settings(values: [:]).databaseURL == nil)
    }

    @Test func badURLsAreRefusedWithoutRepeatingThem() {
        for bad in [
            "mysql://u:hunter2@h/db", "postgresql://u:hunter2@h", "postgresql://u:hunter2@h:99999/db",
            "postgresql:///db",
        ] {
            do {
                _ = try Settings(values: ["CFIMAGES_DATABASE_URL": bad])
                Issue.record("accepted \(bad)")
            } catch {
                #expect("\(error)".contains("CFIMAGES_DATABASE_URL"))
                #expect(!"\(error)".contains("hunter2"))
            }
        }
    }
}
