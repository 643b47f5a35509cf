# syntax=docker/dockerfile:1
# Build stage: the Swift toolchain and the -dev packages of the four C libraries.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev libssl-dev libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
# Static Swift runtime and lld's packed relative relocations (DT_RELR; bookworm's glibc 2.36 reads them), as `make`.
RUN swift build -c release --product cfimages --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
    && install -D "$(swift build -c release --show-bin-path)/cfimages" /out/cfimages

# Runtime stage: slim Debian with only the shared libraries the binary links.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 libssl3 libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/cfimages --create-home cfimages
COPY --from=build /out/cfimages /usr/local/bin/cfimages
COPY Migrations /usr/share/cfimages/Migrations
COPY Config/cfimages.env.example /etc/cfimages/cfimages.env.example
ENV CFIMAGES_HOST=0.0.0.0 \
    CFIMAGES_PORT=8080 \
    CFIMAGES_DATA_DIR=/var/lib/cfimages \
    CFIMAGES_MIGRATIONS_DIR=/usr/share/cfimages/Migrations \
    CFIMAGES_REQUIRE_CLOUDFLARE=true
USER cfimages
WORKDIR /var/lib/cfimages
VOLUME ["/var/lib/cfimages"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${CFIMAGES_PORT}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/cfimages"]
CMD ["serve"]
