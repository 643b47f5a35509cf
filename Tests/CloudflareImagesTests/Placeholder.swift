import Testing

@Test func CloudflareImagesTestsPlaceholder() {}
