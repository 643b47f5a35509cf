/// The reference toolkit's predefined transformations (`CloudflareImageVariants`), with its exact parameters.
///
/// | preset | size defaults | options |
/// | --- | --- | --- |
/// | thumbnail | 150 (square) | fit=cover, quality=85 |
/// | avatar | 100 (square) | fit=cover, gravity=auto, quality=90 |
/// | hero | 1200 x 600 | fit=cover, gravity=auto, quality=85, format=auto |
/// | responsive | width 800 | fit=scale-down, quality=85, format=auto |
/// | product | 400 (square) | fit=pad, background=ffffff, quality=90 |
/// | gallery | 800 x 600 | fit=contain, quality=85, format=auto |
/// | mobile | width 400 | fit=scale-down, quality=80, format=webp, dpr=2.0 |
///
/// The reference's `responsive_image` has no default width; 800 is ours.
public enum TransformationPreset: String, Sendable, Hashable, CaseIterable {
    case thumbnail, avatar, hero, responsive, product, gallery, mobile

    /// Default width and height (`nil` height: keep the aspect ratio). Square presets use `width` for both sides.
    public var defaultSize: (width: Int, height: Int?) {
        switch self {
        case .thumbnail: (150, 150)
        case .avatar: (100, 100)
        case .hero: (1200, 600)
        case .responsive: (800, nil)
        case .product: (400, 400)
        case .gallery: (800, 600)
        case .mobile: (400, nil)
        }
    }

    /// Whether the preset is square, so one size sets both width and height.
    public var isSquare: Bool { self == .thumbnail || self == .avatar || self == .product }

    /// The preset's quality unless overridden.
    public var defaultQuality: Int {
        switch self {
        case .avatar, .product: 90
        case .mobile: 80
        case .thumbnail, .hero, .responsive, .gallery: 85
        }
    }

    /// The preset's transformation. `width` overrides the default width (the side of a square preset, whose
    /// height follows it unless `height` is given); `height` is ignored by presets that keep the aspect ratio;
    /// `quality` overrides the preset's quality. Out-of-range sizes or quality throw.
    public func transformation(
        width: Int? = nil,
        height: Int? = nil,
        quality: Int? = nil
    ) throws(TransformationError) -> Transformation {
        let w = width ?? defaultSize.width
        let h: Int? =
            switch self {
            case .responsive, .mobile: nil
            case .thumbnail, .avatar, .product: height ?? w
            case .hero, .gallery: height ?? defaultSize.height
            }
        var t = try Transformation().width(w).quality(quality ?? defaultQuality)
        if let h { t = try t.height(h) }
        switch self {
        case .thumbnail:
            t = t.fit(.cover)
        case .avatar:
            t = try t.fit(.cover).gravity(.auto)
        case .hero:
            t = try t.fit(.cover).gravity(.auto).format(.auto)
        case .responsive:
            t = t.fit(.scaleDown).format(.auto)
        case .product:
            t = try t.fit(.pad).background("ffffff")
        case .gallery:
            t = t.fit(.contain).format(.auto)
        case .mobile:
            t = try t.fit(.scaleDown).format(.webp).dpr(2.0)
        }
        return t
    }
}
