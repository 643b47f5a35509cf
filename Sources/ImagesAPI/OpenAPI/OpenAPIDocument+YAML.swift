// swift-format-ignore-file
// Generated from openapi.yaml by `make openapi`; do not edit.

extension OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: cfimages
  version: 1.0.0
  summary: A self-hosted broker for Cloudflare Images (the REST API of django-cloudflareimages-toolkit 1.1.6, plus delivery URLs).
  description: |
    Every `/api/...` route is under `CFIMAGES_PATH_PREFIX`; the paths below are written with the default,
    `/cloudflare-images` (with another prefix, replace it). The trailing slash is optional. `/healthz`, `/readyz`
    and `/metrics` are outside the prefix, at the host's root. A known path answers `OPTIONS` with 204 and an
    `Allow` header listing its methods (`HEAD` wherever `GET` is), another method on it is a 405 with the same
    `Allow`, and an unknown path is a 404 `{"detail": "Not found."}`.

    Requests carry `Authorization: Token <key>` (or `Bearer <key>`). Without a valid one the answer is 401
    `{"detail": "..."}` with `WWW-Authenticate: Token`. Users see only their own images (another user's image is a
    404); admin tokens see every image and may call admin endpoints.

    Error bodies come in three shapes: `{"detail": "..."}` (authentication, permission, not found, parse errors),
    field errors `{"<field>": ["message", ...]}` (validation, 400), and `{"error": "..."}` (Cloudflare failures:
    400 for Cloudflare's own 4xx answers, 502 for upstream faults, 503 when rate limited, with `Retry-After` when
    known, 504 on timeout). Timestamps are ISO 8601 UTC with microseconds, e.g. `2026-01-01T12:00:00.123456Z`.
  license:
    name: MIT
    identifier: MIT
servers:
  - url: /
    description: The host's root (API paths carry the default CFIMAGES_PATH_PREFIX, /cloudflare-images).
security:
  - tokenAuth: []
  - bearerAuth: []
tags:
  - name: images
  - name: uploads
  - name: usages
  - name: delivery
  - name: webhooks
  - name: admin
  - name: events
    description: Signed event deliveries to the host app (README, Events for your app).
  - name: operations

paths:
  /cloudflare-images/api/:
    get:
      tags: [images]
      operationId: apiRoot
      summary: API root
      description: The router root, as DRF's DefaultRouter answers it.
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: Links to the collections.
          content:
            application/json:
              schema:
                type: object
                required: [images, usages]
                properties:
                  images:
                    type: string
                    format: uri
                    examples: ['http://localhost:8080/cloudflare-images/api/images/']
                  usages:
                    type: string
                    format: uri
                    examples: ['http://localhost:8080/cloudflare-images/api/usages/']
        '401':
          $ref: '#/components/responses/Unauthorized'

  /cloudflare-images/api/upload-url/:
    post:
      tags: [uploads]
      operationId: createUploadURL
      summary: Create a one-time direct upload URL
      description: |
        Asks Cloudflare for a direct upload URL, then stores the pending image and its `upload_url_created` log.
        A Cloudflare failure stores nothing. The browser then POSTs the file (multipart field `file`) to
        `upload_url`; Cloudflare's webhook (or `check_status`) marks the image uploaded.
      requestBody:
        required: false
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/UploadURLRequest'
          application/x-www-form-urlencoded:
            schema:
              description: UploadURLRequest as form fields, where there is no JSON object (so no `metadata`).
              type: object
              allOf:
                - $ref: '#/components/schemas/UploadURLRequest'
                - type: object
                  properties:
                    metadata:
                      not: {}
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '201':
          description: The upload URL and the tracked image.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/UploadURLResponse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/:
    get:
      tags: [images]
      operationId: listImages
      summary: List images
      description: |
        The caller's images (every image for administrators), newest first unless `ordering` says otherwise.
        Paginated by `page`/`page_size` (default 20, at most 100) or, when `limit` or `offset` is given without
        `page`, by `limit`/`offset`. Besides the parameters below, `metadata__<key>=<value>` (nested keys joined
        by `__`) filters on a metadata value; lookup operators (`__contains`, `__gt`, ...) are refused with
        400 `{"metadata__<key>": "Unsupported metadata lookup operator."}`. An invalid filter value is a 400
        naming the parameter.
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
        - $ref: '#/components/parameters/Page'
        - $ref: '#/components/parameters/PageSize'
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/Offset'
        - $ref: '#/components/parameters/StatusFilter'
        - $ref: '#/components/parameters/UploadedAfter'
        - $ref: '#/components/parameters/UploadedBefore'
        - $ref: '#/components/parameters/CreatedAfter'
        - $ref: '#/components/parameters/CreatedBefore'
        - $ref: '#/components/parameters/ExpiresAfter'
        - $ref: '#/components/parameters/ExpiresBefore'
        - $ref: '#/components/parameters/OwnerFilter'
        - $ref: '#/components/parameters/HasVariants'
        - $ref: '#/components/parameters/RequireSignedURLsFilter'
        - $ref: '#/components/parameters/FilenameFilter'
        - $ref: '#/components/parameters/CreatorFilter'
        - $ref: '#/components/parameters/Orphaned'
        - $ref: '#/components/parameters/Search'
        - $ref: '#/components/parameters/Ordering'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: One page of images.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ImagePage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          description: '`page` is out of range or not a number: `{"detail": "Invalid page."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Detail'

  /cloudflare-images/api/images/bulk_delete/:
    post:
      tags: [images]
      operationId: bulkDelete
      summary: Delete several images
      description: |
        Deletes each named image at Cloudflare (already gone counts as done), then locally. Per-item results,
        never all-or-nothing; an image named twice (or by id and by Cloudflare id) is handled once.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/BulkDeleteRequest'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: One result per image named.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/BulkDeleteResponse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'

  /cloudflare-images/api/images/bulk_status_check/:
    post:
      tags: [images]
      operationId: bulkStatusCheck
      summary: Refresh several images from Cloudflare
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/BulkStatusCheckRequest'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: One result per image found (unknown ids are left out), newest first.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/BulkStatusCheckResponse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'

  /cloudflare-images/api/images/by-cloudflare-id/{cloudflare_id}/:
    get:
      tags: [images]
      operationId: imageByCloudflareID
      summary: Look an image up by its Cloudflare id
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
        - name: cloudflare_id
          in: path
          required: true
          description: The Cloudflare id. Custom ids may contain `/`; give them as they are (`products/42/hero`).
          schema:
            type: string
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: The image.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Image'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'

  /cloudflare-images/api/images/{id}/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    get:
      tags: [images]
      operationId: retrieveImage
      summary: One image
      description: >-
        The list filters may be given too; an image that does not match them is a 404. With `wait` the answer is
        held (at most `wait` seconds, or `CFIMAGES_WAIT_MAX_SECONDS` when the server caps it lower) until the
        image reaches the status `until` names, woken by the change itself
        (made by this server or another process on the same database); when the time runs out the answer is the
        current state, still a 200, and a 404 if the image was deleted meanwhile.
        With `Accept: text/event-stream` (a GET) the answer is Server-Sent Events instead: an `image` event with
        the image at once; unless it already has the status `until` names, the wait (`wait` seconds, or the
        longest allowed when absent; 0 waits not at all) with a `: keep-alive` comment line every 15 s, an `image` event when it gets
        there, or a `deleted` event (`{"id": …}`, the last) when it is deleted meanwhile; then a `done` event,
        `{"reached": true|false}`, and the connection closes. Errors (400, 401, 404) are answered as JSON before
        any stream starts.
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
        - name: Accept
          in: header
          required: false
          description: >-
            `text/event-stream` (anywhere in the list) asks for the Server-Sent Events answer; anything else, or
            none, for JSON.
          schema: {type: string}
        - name: wait
          in: query
          description: Seconds to wait for the status `until` names (0, the default, answers at once).
          schema: {type: integer, minimum: 0, maximum: 60}
        - name: until
          in: query
          description: >-
            What `wait` waits for: `uploaded` (the status is uploaded) or `final` (the default: uploaded, failed
            or expired).
          schema: {type: string, enum: [uploaded, final]}
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: The image.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Image'
            text/event-stream:
              schema:
                type: string
                description: '`event: image|deleted|done` and one `data:` line of JSON per event, blank-line separated.'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
    put:
      tags: [images]
      operationId: replaceImage
      summary: Update an image (every field optional, as PATCH)
      requestBody:
        required: false
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/ImageUpdate'
          application/x-www-form-urlencoded:
            schema:
              $ref: '#/components/schemas/ImageUpdateForm'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          $ref: '#/components/responses/ImageUpdated'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '413':
          $ref: '#/components/responses/TooLarge'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'
    patch:
      tags: [images]
      operationId: updateImage
      summary: Update an image
      description: |
        Changes to `metadata` or `require_signed_urls` of an image Cloudflare holds (uploaded or draft) are pushed
        to Cloudflare first; if that fails nothing changes locally.
      requestBody:
        required: false
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/ImageUpdate'
          application/x-www-form-urlencoded:
            schema:
              $ref: '#/components/schemas/ImageUpdateForm'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          $ref: '#/components/responses/ImageUpdated'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '413':
          $ref: '#/components/responses/TooLarge'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'
    delete:
      tags: [images]
      operationId: deleteImage
      summary: Delete an image at Cloudflare, then here
      parameters:
        - $ref: '#/components/parameters/Force'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '204':
          description: Deleted (an image Cloudflare no longer has counts as deleted there).
        '409':
          $ref: '#/components/responses/InUse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/{id}/logs/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    get:
      tags: [images]
      operationId: imageLogs
      summary: The image's event log, newest first
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: Every log entry of the image (not paginated).
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Log'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'

  /cloudflare-images/api/images/{id}/check_status/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    post:
      tags: [images]
      operationId: checkStatus
      summary: Refresh status, variants and dimensions from Cloudflare
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The refreshed status.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ImageStatus'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/{id}/delete_from_cloudflare/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    delete:
      tags: [images]
      operationId: deleteFromCloudflare
      summary: Delete an image at Cloudflare, then here (the reference's alias of DELETE /api/images/{id}/)
      parameters:
        - $ref: '#/components/parameters/Force'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '204':
          description: Deleted.
        '409':
          $ref: '#/components/responses/InUse'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/{id}/url/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    get:
      tags: [delivery]
      operationId: deliveryURL
      summary: A delivery URL for a variant or a transformation, signed when the image is private
      description: |
        Without parameters: the `public` variant. With `variant`: that named variant (one the image's variant URLs
        list) or an options string such as `w=300,fit=cover`. With transformation options (below; Cloudflare's short
        aliases `w`, `h`, `q`, `f`, `g` work too): a flexible variant, options in canonical (alphabetical) order.
        `variant` and transformation options cannot be combined.

        The URL is on the configured delivery domain (`CLOUDFLARE_IMAGES_DELIVERY_URL`, its path prefix and
        account-hash settings), else on `imagedelivery.net`; when the image's stored variant URLs use another base
        (the built-in emulator), that base. A private image (`require_signed_urls`) gets a signed URL
        (`?exp=<unix seconds>&sig=<hex HMAC-SHA256>`), signed with `CLOUDFLARE_IMAGES_SIGNING_KEY` or, when unset,
        the account's key from Cloudflare's `v1/keys` (fetched once); `expires_at` is when it stops working. A public
        image's URL is unsigned and `expires_at` is null. Flexible variants of a private image are refused, as
        Cloudflare refuses them. While `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false (the account has flexible
        variants off, Cloudflare's default), transformation options are refused for every image; named variants
        keep working.
      parameters:
        - name: variant
          in: query
          description: A named variant (letters, digits, `-`, `_`, at most 100), or flexible options such as `w=300,fit=cover`.
          schema:
            type: string
            default: public
            anyOf:
              - pattern: '^[A-Za-z0-9_-]{1,100}$'
              - pattern: '='

        - name: expiry
          in: query
          description: Lifetime of a signed URL in seconds (ignored, but still validated, for a public image).
          schema:
            type: integer
            minimum: 1
            maximum: 604800
            default: 3600
        - {name: width, in: query, description: 'Width in pixels (alias `w`).', schema: {type: integer, minimum: 1, maximum: 12000}}
        - {name: height, in: query, description: 'Height in pixels (alias `h`).', schema: {type: integer, minimum: 1, maximum: 12000}}
        - {name: fit, in: query, schema: {type: string, enum: [scale-down, contain, cover, crop, pad]}}
        - {name: format, in: query, description: 'Output format (alias `f`).', schema: {type: string, enum: [auto, webp, avif, jpeg, json]}}
        - {name: quality, in: query, description: 'Alias `q`.', schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: gravity, in: query, description: 'auto, left, right, top, bottom, center, or `XxY` in 0...1 (alias `g`).', schema: {type: string, pattern: '^(auto|left|right|top|bottom|center|(0(\.[0-9]+)?|1(\.0+)?)x(0(\.[0-9]+)?|1(\.0+)?))$'}}
        - {name: dpr, in: query, schema: {type: number, minimum: 1, maximum: 3}}
        - {name: sharpen, in: query, schema: {type: number, minimum: 0, maximum: 10}}
        - {name: blur, in: query, schema: {type: integer, minimum: 1, maximum: 250}}
        - {name: brightness, in: query, schema: {type: number, minimum: -1, maximum: 1}}
        - {name: contrast, in: query, schema: {type: number, minimum: -1, maximum: 1}}
        - {name: gamma, in: query, schema: {type: number, minimum: 0.1, maximum: 9.9}}
        - {name: rotate, in: query, schema: {type: integer, enum: [0, 90, 180, 270]}}
        - {name: background, in: query, description: 'Six hex digits, `#` optional.', schema: {type: string, pattern: '^#?[0-9A-Fa-f]{6}$'}}
        - {name: trim, in: query, description: '`auto`, a hex colour, a tolerance in 0...1, or `colour;tolerance`.', schema: {type: string, pattern: '^(auto|#?[0-9A-Fa-f]{6}|[+]?(0|1)(\.0*)?|[+]?0\.[0-9]+|#?[0-9A-Fa-f]{6};([+]?(0|1)(\.0*)?|[+]?0\.[0-9]+))$'}}
        - {name: border, in: query, description: '`width;colour`, e.g. `5;ff0000` (or `border_width` with `border_color`).', schema: {type: string, pattern: '^\+?0*([1-9][0-9]?|100);#?[0-9A-Fa-f]{6}$'}}
        - {name: pad, in: query, description: 'One to four pixel values in 0...500, comma-separated.', schema: {type: string, pattern: '^( *([+-]?0+|\+?0*([1-9][0-9]?|[1-4][0-9]{2}|500)) *)(, *([+-]?0+|\+?0*([1-9][0-9]?|[1-4][0-9]{2}|500)) *){0,3}$'}}
        - {name: crop, in: query, description: '`x;y;width;height`.', schema: {type: string, pattern: '^[0-9]{1,18};[0-9]{1,18};0*[1-9][0-9]{0,17};0*[1-9][0-9]{0,17}$'}}
      responses:
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The URL.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/DeliveryURL'
        '400':
          description: |
            A bad parameter, as field errors naming the option and its range
            (`{"width": ["width must be in 1...12000, got 0"]}`, `{"variant": ["Unknown variant ..."]}`,
            `{"expiry": [...]}`); or `{"detail": "Flexible variants cannot be used with images that require signed
            URLs."}`; or, while `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false and options are given,
            `{"detail": "Flexible variants are off for this Cloudflare account (CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false)
            ..."}` saying how to enable them; or a Cloudflare refusal while fetching the signing key (`{"error"}`).
          content:
            application/json:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/FieldErrors'
                  - $ref: '#/components/schemas/Detail'
                  - $ref: '#/components/schemas/ServiceError'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '409':
          $ref: '#/components/responses/NotUploaded'
        '500':
          $ref: '#/components/responses/DeliveryMisconfigured'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          description: 'The image is private and no signing key is available (`{"error": "... set CLOUDFLARE_IMAGES_SIGNING_KEY ..."}`), or Cloudflare is rate limiting the key fetch.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ServiceError'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/{id}/srcset/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    get:
      tags: [delivery]
      operationId: srcset
      summary: Responsive-image srcset, sizes and ready HTML
      description: |
        The service's answer to the toolkit's `cf_responsive_img` / `cf_picture` template tags. Each candidate is
        a flexible variant `fit=scale-down,format=<format>,quality=<quality>,width=<w>`. `html` is an `<img>` tag
        (`src` is the smallest width), or with `formats` a `<picture>` with one `<source type srcset sizes>` per
        format before the `<img>`. Every attribute value is HTML-escaped. Private images are refused (flexible
        variants cannot be used with images that require signed URLs), and so is every image while
        `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false. Unknown parameters are a 400.
      parameters:
        - name: widths
          in: query
          description: Comma-separated widths, each 1...12000, at most 20 (sorted, duplicates dropped).
          schema:
            type: string
            pattern: '^[ ,]*\+?0*([1-9][0-9]{0,3}|1[01][0-9]{3}|12000) *(,[ ,]*\+?0*([1-9][0-9]{0,3}|1[01][0-9]{3}|12000) *){0,19}[ ,]*$'
            default: 320,640,1024
        - name: sizes
          in: query
          description: The `sizes` attribute, at most 1000 characters, not blank.
          schema:
            type: string
            maxLength: 1000
            pattern: '[^ ]'
            default: 100vw
        - name: formats
          in: query
          allowEmptyValue: true
          description: Comma-separated `avif`, `webp`, `jpeg`; when given, `html` is a `<picture>`.
          schema:
            type: string
            pattern: '^ *((avif|webp|jpeg) *)?(, *((avif|webp|jpeg) *)?)*$'
            examples: ['avif,webp']
        - name: format
          in: query
          description: The format of `src` and `srcset`.
          schema:
            type: string
            enum: [auto, webp, avif, jpeg]
            default: auto
        - name: quality
          in: query
          schema:
            type: integer
            minimum: 1
            maximum: 100
            default: 85
        - name: alt
          in: query
          allowEmptyValue: true
          description: The `alt` text (escaped), at most 1000 characters.
          schema:
            type: string
            maxLength: 1000
            default: ''
        - name: class
          in: query
          allowEmptyValue: true
          description: The `class` attribute (escaped; left out when empty), at most 1000 characters.
          schema:
            type: string
            maxLength: 1000
        - name: lazy
          in: query
          description: Whether the `<img>` gets `loading="lazy"`.
          schema:
            type: boolean
            default: true
      responses:
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The markup.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Srcset'
        '400':
          description: Field errors naming the parameter, or `{"detail"}` for a private image or while
            `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false (saying how to enable flexible variants).
          content:
            application/json:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/FieldErrors'
                  - $ref: '#/components/schemas/Detail'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'
        '409':
          $ref: '#/components/responses/NotUploaded'
        '500':
          $ref: '#/components/responses/DeliveryMisconfigured'

  /cloudflare-images/api/images/orphans/:
    get:
      tags: [usages]
      operationId: listOrphans
      summary: Images no content references (candidates for cleanup)
      description: The image list, with every one of its filters and its pagination, of the images no usage points at.
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
        - $ref: '#/components/parameters/Page'
        - $ref: '#/components/parameters/PageSize'
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/Offset'
        - $ref: '#/components/parameters/StatusFilter'
        - $ref: '#/components/parameters/UploadedAfter'
        - $ref: '#/components/parameters/UploadedBefore'
        - $ref: '#/components/parameters/CreatedAfter'
        - $ref: '#/components/parameters/CreatedBefore'
        - $ref: '#/components/parameters/ExpiresAfter'
        - $ref: '#/components/parameters/ExpiresBefore'
        - $ref: '#/components/parameters/OwnerFilter'
        - $ref: '#/components/parameters/HasVariants'
        - $ref: '#/components/parameters/RequireSignedURLsFilter'
        - $ref: '#/components/parameters/FilenameFilter'
        - $ref: '#/components/parameters/CreatorFilter'
        - $ref: '#/components/parameters/Search'
        - $ref: '#/components/parameters/Ordering'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: One page of images.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ImagePage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          description: '`page` is out of range or not a number: `{"detail": "Invalid page."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Detail'

  /cloudflare-images/api/images/register/:
    post:
      tags: [usages]
      operationId: registerUploaded
      summary: Track an image uploaded some other way (the reference's register_uploaded_image)
      description: |
        Fetches the image from Cloudflare; it must be uploaded (not a draft) and, when `expected_creator` is given,
        have that Cloudflare `creator`. Then a row is created for the caller. An image the caller already tracks
        answers 200 with its row; one another user tracks is a 400 on `cloudflare_id`.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [cloudflare_id]
              properties:
                cloudflare_id:
                  type: [string, number]
                  maxLength: 255
                  pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
                expected_creator:
                  type: [string, number, 'null']
                  pattern: '^[^\x00]*$'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: Already tracked by the caller.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Image'
        '201':
          description: Registered.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Image'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          description: 'The image''s Cloudflare creator is not `expected_creator`: `{"error": "..."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ServiceError'
        '404':
          description: 'Cloudflare has no such image: `{"error": "..."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ServiceError'
        '409':
          description: 'The image is still a draft at Cloudflare (no bytes uploaded): `{"error": "..."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ServiceError'
        '413':
          $ref: '#/components/responses/TooLarge'
        '429':
          $ref: '#/components/responses/Throttled'
        '502':
          $ref: '#/components/responses/CloudflareFailure'
        '503':
          $ref: '#/components/responses/CloudflareOrDatabaseUnavailable'
        '504':
          $ref: '#/components/responses/CloudflareFailure'

  /cloudflare-images/api/images/{id}/usages/:
    parameters:
      - $ref: '#/components/parameters/ImageID'
    get:
      tags: [usages]
      operationId: imageUsages
      summary: The content references of one image
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: Every usage of the image (not paginated).
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Usage'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/NotFound'

  /cloudflare-images/api/usages/:
    get:
      tags: [usages]
      operationId: listUsages
      summary: Usages (which content references which image), newest change first
      description: |
        Administrators see every usage, unregistered ones (references to images nobody tracks) included; other users
        see the usages of their own images. `content_type` filters only in `app_label.model` form, as in the reference.
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
        - $ref: '#/components/parameters/Page'
        - $ref: '#/components/parameters/PageSize'
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/Offset'
        - name: content_type
          in: query
          allowEmptyValue: true
          schema:
            type: string
        - name: field_name
          in: query
          allowEmptyValue: true
          schema:
            type: string
        - name: unregistered
          in: query
          allowEmptyValue: true
          description: '`1`, `true`, `yes` or `on`: only references to untracked images (always none for non-administrators).'
          schema:
            type: string
        - name: search
          in: query
          allowEmptyValue: true
          description: Terms, each a case-insensitive substring of `cloudflare_id`, `field_name` or `object_id`. At most 1,000 characters (no NUL) and 32 terms (more is a 400 naming `search`).
          schema:
            type: string
            maxLength: 1000
            pattern: '^[^\x00]*$'
        - name: ordering
          in: query
          allowEmptyValue: true
          schema:
            type: string
            enum: ['', created_at, -created_at, updated_at, -updated_at]
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: One page of usages.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/UsagePage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          description: '`page` is out of range or not a number: `{"detail": "Invalid page."}`.'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Detail'
    post:
      tags: [usages]
      operationId: createUsage
      summary: Record that content references an image (the reference's register_usage)
      description: |
        Keyed by (`content_type`, `object_id`, `field_name`): the same slot again updates its row (200). `source`
        defaults to `manual` (never pruned by a reconcile). A user may reference only their own images.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/UsageRequest'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The slot's existing row, updated.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Usage'
        '201':
          description: Recorded.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Usage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'

  /cloudflare-images/api/usages/object/:
    put:
      tags: [usages]
      operationId: replaceObjectUsages
      summary: Replace the references of one object (what a client sends after saving a record)
      description: |
        The named fields are recorded as `auto` usages; the object's other `auto` rows are removed; `manual` rows
        stay (and win over an `auto` reference to the same field). A null or empty value clears that field.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [content_type, object_id, references]
              properties:
                content_type:
                  type: string
                  pattern: '^[a-z0-9_]+\.[a-z0-9_]+$'
                  maxLength: 255
                  description: app_label.model
                object_id:
                  type: [string, number]
                  pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
                  maxLength: 255
                references:
                  type: object
                  propertyNames:
                    minLength: 1
                    maxLength: 255
                  additionalProperties:
                    type: [string, 'null']
                    maxLength: 255
                    pattern: '^[^\x00]*$'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: What changed, and the object's usages now.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/UsageWriteSummary'
                  - type: object
                    required: [usages]
                    properties:
                      usages:
                        type: array
                        items:
                          $ref: '#/components/schemas/Usage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'

  /cloudflare-images/api/usages/reconcile/:
    post:
      tags: [usages]
      operationId: reconcileUsages
      summary: Reconcile every reference of one content type (the reference's reconcile_image_usage)
      description: Records each reference as `auto`; the content type's `auto` rows not named are removed, `manual` rows never.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [content_type, references]
              properties:
                content_type:
                  type: string
                  pattern: '^[a-z0-9_]+\.[a-z0-9_]+$'
                  maxLength: 255
                  description: app_label.model
                references:
                  type: array
                  items:
                    type: object
                    required: [object_id, field_name, cloudflare_id]
                    properties:
                      object_id:
                        type: [string, number]
                        maxLength: 255
                        pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
                      field_name:
                        type: [string, number]
                        maxLength: 255
                        pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
                      cloudflare_id:
                        type: [string, number]
                        maxLength: 255
                        pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: What changed.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/UsageWriteSummary'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '413':
          $ref: '#/components/responses/TooLarge'

  /cloudflare-images/api/usages/{usage}/:
    parameters:
      - $ref: '#/components/parameters/UsageID'
    get:
      tags: [usages]
      operationId: retrieveUsage
      summary: One usage
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: The usage.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Usage'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/UsageNotFound'
    delete:
      tags: [usages]
      operationId: deleteUsage
      summary: Remove one usage (the reference's unregister_usage)
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '204':
          description: Removed.
        '401':
          $ref: '#/components/responses/Unauthorized'
        '404':
          $ref: '#/components/responses/UsageNotFound'

  /cloudflare-images/api/stats/:
    get:
      tags: [images]
      operationId: stats
      summary: Counters for the caller (admins also get global totals and Cloudflare's account usage)
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: The counters.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Stats'
        '401':
          $ref: '#/components/responses/Unauthorized'

  /cloudflare-images/api/webhook/:
    post:
      tags: [webhooks]
      operationId: webhook
      summary: Cloudflare's upload notifications
      description: |
        No token needed (a present but bad `Authorization: Token` header is still a 401 JSON). Takes Cloudflare
        Notifications' envelope (`{"name", "text", "data": {"image_id", ...}, "ts", "alert_type", ...}` with the
        destination's secret in `cf-webhook-auth`), its "Save and Test" delivery (`{"text": ...}`, answered 200,
        nothing changes) and the reference's flat shape signed with an HMAC-SHA256 of the raw body, hex in any case,
        in `X-Signature` or `X-Cloudflare-Signature` (optionally prefixed `sha256=`); with `X-Webhook-Timestamp`
        (unix seconds or RFC 3339) the HMAC must cover `"<timestamp>.<body>"` and deliveries older than 5 minutes
        are refused. With a real account and no `CLOUDFLARE_IMAGES_WEBHOOK_SECRET`, every delivery is a 401
        unless `CLOUDFLARE_IMAGES_WEBHOOK_ALLOW_UNSIGNED=true`. A delivery is a hint: the image is fetched from
        Cloudflare and that answer is stored (an uploaded image never moves back). Deliveries are deduplicated by
        the body's SHA-256 for `CFIMAGES_WEBHOOK_RETENTION_HOURS`. Bodies over 1 MiB are a 413. Answers are plain
        text, as the reference's.
      security: []
      parameters:
        - {name: X-Signature, in: header, schema: {type: string}}
        - {name: X-Cloudflare-Signature, in: header, schema: {type: string}}
        - {name: cf-webhook-auth, in: header, schema: {type: string}}
        - {name: X-Webhook-Timestamp, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/WebhookPayload'
      responses:
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          $ref: '#/components/responses/WebhookText'
        '400':
          $ref: '#/components/responses/WebhookText'
        '401':
          description: '`Missing signature`, `Invalid signature`, `Invalid timestamp`, `Stale timestamp`, no secret configured (text), or a bad token (JSON).'
          content:
            text/html:
              schema:
                type: string
            application/json:
              schema:
                $ref: '#/components/schemas/Detail'
        '413':
          $ref: '#/components/responses/TooLarge'
        '404':
          $ref: '#/components/responses/WebhookText'
        '500':
          $ref: '#/components/responses/WebhookText'
        '502':
          $ref: '#/components/responses/WebhookText'
        '503':
          description: '`Database unavailable` (text), with `Retry-After: 1`: the database is busy or unreachable and nothing was applied; a redelivery is.'
          headers:
            Retry-After:
              description: Seconds to wait before redelivering.
              schema:
                type: integer
          content:
            text/html:
              schema:
                type: string

  /cloudflare-images/api/cleanup-expired/:
    post:
      tags: [admin]
      operationId: cleanupExpired
      summary: 'Admin: expire unused upload URLs now'
      description: Marks pending and draft images past their upload expiry as expired (every user) and deletes the drafts at Cloudflare. The body is ignored.
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: What was done.
          content:
            application/json:
              schema:
                type: object
                required: [message, expired_count]
                properties:
                  message:
                    type: string
                    examples: ['Marked 3 expired images']
                  expired_count:
                    type: integer
                    minimum: 0
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'

  /cloudflare-images/api/event-endpoints/:
    get:
      tags: [events]
      operationId: listEventEndpoints
      summary: 'Admin: the endpoints receiving event deliveries'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '200':
          description: Every endpoint, oldest first (never a secret).
          content:
            application/json:
              schema:
                type: object
                required: [count, results]
                properties:
                  count:
                    type: integer
                    minimum: 0
                  results:
                    type: array
                    items:
                      $ref: '#/components/schemas/EventEndpoint'
    post:
      tags: [events]
      operationId: createEventEndpoint
      summary: 'Admin: register an endpoint; its signing secret is in this answer only'
      description: >-
        The URL must be http or https; one whose host is or resolves to a private, loopback, link-local, CGNAT or
        unique-local address is refused unless `CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS` is set, and so is one whose
        host does not resolve (a 400 naming `url`: it depends on DNS, which the schema cannot state). `events`
        omitted or empty: every type.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/EventEndpointRequest'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '400':
          $ref: '#/components/responses/BadRequest'
        '413':
          $ref: '#/components/responses/TooLarge'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '201':
          description: The endpoint with its `secret`.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/EventEndpointWithSecret'

  /cloudflare-images/api/event-endpoints/{endpoint}/:
    parameters:
      - $ref: '#/components/parameters/EventEndpointID'
    get:
      tags: [events]
      operationId: retrieveEventEndpoint
      summary: 'Admin: one endpoint'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '404':
          $ref: '#/components/responses/NotFound'
        '200':
          description: The endpoint (never its secret).
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/EventEndpoint'
    patch:
      tags: [events]
      operationId: updateEventEndpoint
      summary: 'Admin: change an endpoint'
      description: >-
        Fields left out stay. Enabling an endpoint the worker disabled clears its failure state. A new `url` is
        checked as on registration (a 400 naming `url` when its host does not resolve or is private).
      requestBody:
        required: false
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/EventEndpointUpdate'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '400':
          $ref: '#/components/responses/BadRequest'
        '413':
          $ref: '#/components/responses/TooLarge'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '404':
          $ref: '#/components/responses/NotFound'
        '200':
          description: The endpoint as changed.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/EventEndpoint'
    delete:
      tags: [events]
      operationId: deleteEventEndpoint
      summary: 'Admin: remove an endpoint and its pending deliveries'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '404':
          $ref: '#/components/responses/NotFound'
        '204':
          description: Removed.

  /cloudflare-images/api/event-endpoints/{endpoint}/rotate-secret/:
    parameters:
      - $ref: '#/components/parameters/EventEndpointID'
    post:
      tags: [events]
      operationId: rotateEventEndpointSecret
      summary: 'Admin: a new signing secret; the old one signs beside it for the grace period'
      description: >-
        During `CFIMAGES_EVENTS_SECRET_GRACE_HOURS` (until `previous_secret_expires_at`) deliveries carry two `v1=`
        signatures, the new secret's first. The body is ignored.
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '404':
          $ref: '#/components/responses/NotFound'
        '200':
          description: The endpoint with its new `secret`.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/EventEndpointWithSecret'

  /cloudflare-images/api/events/:
    get:
      tags: [events]
      operationId: listEvents
      summary: 'Admin: the newest events with the state of their deliveries'
      parameters:
        - name: limit
          in: query
          description: How many (default 50).
          schema: {type: integer, minimum: 1, maximum: 500}
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '400':
          $ref: '#/components/responses/BadRequest'
        '200':
          description: Newest first.
          content:
            application/json:
              schema:
                type: object
                required: [count, results]
                properties:
                  count:
                    type: integer
                    minimum: 0
                  results:
                    type: array
                    items:
                      $ref: '#/components/schemas/EventSummary'

  /cloudflare-images/api/events/{event}/redeliver/:
    parameters:
      - name: event
        in: path
        required: true
        description: The event's `id` (`evt_…`).
        schema:
          type: string
    post:
      tags: [events]
      operationId: redeliverEvent
      summary: 'Admin: send an event again'
      description: Its deliveries (and one per enabled endpoint taking its type that had none) become pending now. The body is ignored.
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '404':
          $ref: '#/components/responses/NotFound'
        '202':
          description: The event, its deliveries pending.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/EventSummary'

  /cloudflare-images/api/openapi.yaml:
    get:
      tags: [operations]
      operationId: openapi
      summary: This document
      security: []
      parameters:
        - $ref: '#/components/parameters/IfNoneMatch'
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '304':
          $ref: '#/components/responses/NotModified'
        '200':
          description: The OpenAPI description.
          headers:
            ETag:
              $ref: '#/components/headers/ETag'
            Cache-Control:
              $ref: '#/components/headers/CacheControl'
          content:
            application/yaml:
              schema:
                type: object
                description: This OpenAPI 3.1 document (a YAML mapping, not a JSON string).
                required: [openapi, info, paths]

  /healthz:
    get:
      tags: [operations]
      operationId: healthz
      summary: Liveness
      security: []
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The process is serving requests.
          content:
            application/json:
              schema:
                type: object
                required: [status, version]
                properties:
                  status:
                    const: ok
                  version:
                    type: string
                    description: The service's version, as `info.version` here and `cfimages --version`.

  /readyz:
    get:
      tags: [operations]
      operationId: readyz
      summary: Readiness
      description: |
        Whether the service can do its work: the database answers, every migration is applied, and Cloudflare
        answered its last probe (`GET .../images/v1/stats`, one attempt, 2 s timeout, at most every 30 s; a 429
        counts as an answer). For load balancers and orchestrators.
      security: []
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: Ready.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Readiness'
              examples:
                ready:
                  value: {status: ok, checks: {database: ok, migrations: ok, cloudflare: ok}}
        '503':
          description: Not ready; each check says why.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Readiness'
              examples:
                unavailable:
                  value: {status: unavailable, checks: {database: ok, migrations: 'pending: 0003_x', cloudflare: unreachable}}

  /metrics:
    get:
      tags: [operations]
      operationId: metrics
      summary: Prometheus metrics
      description: |
        Prometheus text exposition (format 0.0.4). On the main port it needs an admin token; when
        `CFIMAGES_METRICS_ADDRESS` is set it is also served without a token on that separate `host:port`.
      security:
        - tokenAuth: []
        - bearerAuth: []
        - {}
      responses:
        '500':
          $ref: '#/components/responses/InternalError'
        '503':
          $ref: '#/components/responses/DatabaseUnavailable'
        '414':
          $ref: '#/components/responses/URITooLong'
        '200':
          description: The metrics.
          content:
            text/plain:
              schema:
                type: string
                examples: ['# TYPE cfimages_http_requests_total counter']
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'

components:
  securitySchemes:
    tokenAuth:
      type: apiKey
      in: header
      name: Authorization
      description: '`Authorization: Token <key>`, a key made by `cfimages token create NAME [--admin]`.'
    bearerAuth:
      type: http
      scheme: bearer
      description: "The same key as `Authorization: Bearer <key>`."

  headers:
    ETag:
      description: A strong validator of the body; send it back in `If-None-Match` to get a 304 while it is current.
      schema:
        type: string
        pattern: '^"[0-9a-f]{16}"$'
    CacheControl:
      description: '`private, no-cache` on per-user answers (revalidate each time); `public, max-age=86400` on this document.'
      schema:
        type: string
  parameters:
    IfNoneMatch:
      name: If-None-Match
      in: header
      description: An `ETag` of an earlier answer (or `*`); while it is current the answer is a 304 with no body.
      schema:
        type: string
    EventEndpointID:
      name: endpoint
      in: path
      required: true
      description: The endpoint's `id` (`ep_…`).
      schema:
        type: string
    ImageID:
      name: id
      in: path
      required: true
      description: The image's id (a UUID; our id, not Cloudflare's).
      schema:
        type: string
        format: uuid
    Page:
      name: page
      in: query
      description: Page number from 1, or `last`.
      schema:
        oneOf:
          - type: integer
            minimum: 1
          - const: last
    PageSize:
      name: page_size
      in: query
      description: Items per page (default 20; larger values are capped at 100; below 1 or not an integer is a 400 naming `page_size`).
      schema:
        type: integer
        minimum: 1
    Limit:
      name: limit
      in: query
      description: Items per page in limit/offset mode (default 20, capped at 100; below 1 or not an integer is a 400 naming `limit`).
      schema:
        type: integer
        minimum: 1
    Offset:
      name: offset
      in: query
      description: Items to skip in limit/offset mode; below 0, above 2147483647 or not an integer is a 400 naming `offset`.
      schema:
        type: integer
        minimum: 0
        maximum: 2147483647
    StatusFilter:
      name: status
      in: query
      allowEmptyValue: true
      description: Empty means no filter.
      schema:
        anyOf:
          - const: ''
          - $ref: '#/components/schemas/ImageStatusValue'
    UploadedAfter:
      name: uploaded_after
      in: query
      allowEmptyValue: true
      description: Uploaded at or after this time (`YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]`, a real date and time; without an offset, UTC).
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    UploadedBefore:
      name: uploaded_before
      in: query
      allowEmptyValue: true
      description: Uploaded at or before this time (as `uploaded_after`).
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    CreatedAfter:
      name: created_after
      in: query
      allowEmptyValue: true
      description: Created at or after this time (same format as `uploaded_after`).
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    CreatedBefore:
      name: created_before
      in: query
      allowEmptyValue: true
      description: Created at or before this time.
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    ExpiresAfter:
      name: expires_after
      in: query
      allowEmptyValue: true
      description: Upload URL expiring at or after this time.
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    ExpiresBefore:
      name: expires_before
      in: query
      allowEmptyValue: true
      description: Upload URL expiring at or before this time.
      schema:
        $ref: '#/components/schemas/FilterDateTime'
    OwnerFilter:
      name: owner
      in: query
      allowEmptyValue: true
      description: >-
        One user's images (for administrators; a user naming another user gets none). Not in the reference.
        Empty means no filter; white space alone is a 400.
      schema:
        type: string
        maxLength: 1024
        pattern: '^$|^[^\x00]*[^\s\x00][^\x00]*$'
    HasVariants:
      name: has_variants
      in: query
      allowEmptyValue: true
      schema:
        $ref: '#/components/schemas/QueryBoolean'
    RequireSignedURLsFilter:
      name: require_signed_urls
      in: query
      allowEmptyValue: true
      schema:
        $ref: '#/components/schemas/QueryBoolean'
    FilenameFilter:
      name: filename
      in: query
      allowEmptyValue: true
      description: Case-insensitive substring of the filename or the original filename (empty means no filter; white space alone is a 400).
      schema:
        type: string
        maxLength: 1024
        pattern: '^$|^[^\x00]*[^\s\x00][^\x00]*$'
    CreatorFilter:
      name: creator
      in: query
      allowEmptyValue: true
      description: Exact creator (empty means no filter; white space alone is a 400).
      schema:
        type: string
        maxLength: 1024
        pattern: '^$|^[^\x00]*[^\s\x00][^\x00]*$'
    Orphaned:
      name: orphaned
      in: query
      allowEmptyValue: true
      description: '`true`: only images no usage points at. As in the reference, `false` filters nothing.'
      schema:
        $ref: '#/components/schemas/QueryBoolean'
    UsageID:
      name: usage
      in: path
      required: true
      schema:
        type: integer
        minimum: 1
    Force:
      name: force
      in: query
      description: '`1`, `true`, `yes` or `on`: delete even when content still references the image (its usages stay, unregistered).'
      schema:
        type: string
    Search:
      name: search
      in: query
      allowEmptyValue: true
      description: 'Terms (space or comma separated), each a case-insensitive substring of the Cloudflare id, filename, original filename or creator. At most 1,000 characters and 32 terms (more is a 400 naming `search`); a NUL is a 400 `["Null characters are not allowed."]`, as the reference answers.'
      schema:
        type: string
        maxLength: 1000
        pattern: '^[^\x00]*$'
    Ordering:
      name: ordering
      in: query
      allowEmptyValue: true
      description: Comma-separated `created_at`, `uploaded_at`, `expires_at`, `file_size`; prefix `-` for descending (the first one orders; empty means the default).
      schema:
        type: string
        pattern: '^[ ,]*(-?(created_at|uploaded_at|expires_at|file_size) *)?(,[ ,]*-?(created_at|uploaded_at|expires_at|file_size) *)*[ ,]*$'
        default: -created_at

  responses:
    UnsupportedMediaType:
      description: 'The body''s `Content-Type` is not one this operation reads: `{"detail": "Unsupported media type \"...\" in request."}`.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    DatabaseUnavailable:
      description: 'The database is busy or the connection to it was lost (the next request reconnects): `{"detail": "The database is busy or unreachable; retry shortly."}` with `Retry-After: 1`. On the event paths also a storage backend that keeps no events: `{"detail": "Events are not available with this storage backend."}`.'
      headers:
        Retry-After:
          description: Seconds to wait before retrying.
          schema:
            type: integer
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    CloudflareOrDatabaseUnavailable:
      description: 'Cloudflare rate limited the call (`{"error": ...}`, with `Retry-After` when known), or the database is busy or unreachable (`{"detail": ...}`, `Retry-After: 1`).'
      headers:
        Retry-After:
          description: Seconds to wait, when known.
          schema:
            type: integer
      content:
        application/json:
          schema:
            anyOf:
              - $ref: '#/components/schemas/ServiceError'
              - $ref: '#/components/schemas/Detail'
    InternalError:
      description: 'An unexpected failure (the database, a bug): `{"detail": "Internal server error."}`; it is logged.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    URITooLong:
      description: 'The request line (method, path and query) is longer than 8 KiB: `{"detail": "Request line too long."}`.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    NotModified:
      description: The version named by `If-None-Match` is still current; no body.
      headers:
        ETag:
          $ref: '#/components/headers/ETag'
        Cache-Control:
          $ref: '#/components/headers/CacheControl'
    UsageNotFound:
      description: 'No such usage in the caller''s scope: `{"detail": "No ImageUsage matches the given query."}`.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    InUse:
      description: 'The image is still referenced by content (and `force` was not given): `{"error": "Image is still referenced by content.", "usages": [...]}`.'
      content:
        application/json:
          schema:
            type: object
            required: [error, usages]
            properties:
              error:
                type: string
              usages:
                type: array
                items:
                  $ref: '#/components/schemas/Usage'
    Unauthorized:
      description: Missing or invalid token.
      headers:
        WWW-Authenticate:
          schema:
            const: Token
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    Forbidden:
      description: 'Not an administrator: `{"detail": "You do not have permission to perform this action."}`.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    NotFound:
      description: 'No such image in the caller''s scope: `{"detail": "No CloudflareImage matches the given query."}` (or `"Not found."` for an id that is not a UUID).'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    BadRequest:
      description: Field errors, a parse error `{"detail"}`, Cloudflare's own refusal `{"error"}`, or (a NUL in a list's `search`) a list of messages.
      content:
        application/json:
          schema:
            oneOf:
              - $ref: '#/components/schemas/FieldErrors'
              - $ref: '#/components/schemas/Detail'
              - $ref: '#/components/schemas/ServiceError'
              - type: array
                items:
                  type: string
    Throttled:
      description: 'The caller''s share of Cloudflare calls is spent (`CFIMAGES_CLOUDFLARE_CALLS_PER_USER`): `{"detail": "Request was throttled. Expected available in N seconds."}`.'
      headers:
        Retry-After:
          schema:
            type: integer
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    TooLarge:
      description: The request body is larger than the limit (1 MiB).
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    CloudflareFailure:
      description: 'Cloudflare failed: 502 upstream fault, 503 rate limited (with `Retry-After` when known), 504 timeout.'
      headers:
        Retry-After:
          description: Seconds to wait (503 only, when known).
          schema:
            type: integer
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/ServiceError'
    ImageUpdated:
      description: The updated image.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Image'
    NotUploaded:
      description: 'The image has no variant URLs yet (not uploaded): `{"detail": "Image has no delivery URLs yet (status \"pending\"): upload it first."}`.'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Detail'
    DeliveryMisconfigured:
      description: 'The settings cannot yield a delivery URL (no account hash, invalid delivery domain): `{"error": "Cannot build a delivery URL: ..."}`; or an unexpected failure, `{"detail": "Internal server error."}`.'
      content:
        application/json:
          schema:
            oneOf:
              - $ref: '#/components/schemas/ServiceError'
              - $ref: '#/components/schemas/Detail'
    WebhookText:
      description: '`OK`, `Invalid JSON`, `Invalid payload`, `Image not found`, `Cloudflare API error` or `Internal server error`, as plain text.'
      content:
        text/html:
          schema:
            type: string

  schemas:
    FilterDateTime:
      description: Empty means no filter.
      anyOf:
        - const: ''
        - type: string
          format: date-time
          pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([+-][0-9]{2}:[0-9]{2}|Z)?$'
    QueryBoolean:
      description: 'DRF''s boolean text in any case: `true`, `t`, `yes`, `y`, `on`, `1`, or `false`, `f`, `no`, `n`, `off`, `0`; empty means no filter.'
      type: string
      pattern: '^([tT]([rR][uU][eE])?|[yY]([eE][sS])?|[oO][nN]|1|[fF]([aA][lL][sS][eE])?|[nN]([oO])?|[oO][fF][fF]|0)?$'
    DRFBoolean:
      description: 'A JSON boolean, `0` or `1`, or DRF''s boolean text in any case (`true`, `t`, `yes`, `y`, `on`, `1`, `false`, `f`, `no`, `n`, `off`, `0`).'
      anyOf:
        - type: boolean
        - enum: [0, 1]
        - type: string
          pattern: '^([tT]([rR][uU][eE])?|[yY]([eE][sS])?|[oO][nN]|1|[fF]([aA][lL][sS][eE])?|[nN]([oO])?|[oO][fF][fF]|0)$'
    DRFUUID:
      description: A UUID, as text (hyphens optional) or as its integer value.
      anyOf:
        - type: string
          format: uuid
        - type: integer
          minimum: 0
          maximum: 9223372036854775807
    Readiness:
      type: object
      required: [status, checks]
      properties:
        status:
          enum: [ok, unavailable]
        checks:
          type: object
          description: '`ok`, or the reason a check failed.'
          properties:
            database: {type: string}
            migrations: {type: string}
            cloudflare: {type: string}
          additionalProperties: {type: string}
        events:
          type: object
          description: >-
            The event endpoints the delivery worker disabled after failing for 24 hours, and the pending deliveries
            (informational: they do not make the service unready).
          required: [disabled_endpoints, backlog]
          properties:
            disabled_endpoints:
              type: array
              items: {type: string}
            backlog:
              type: integer
              minimum: 0
    EventType:
      type: string
      enum: [image.upload_url_created, image.uploaded, image.failed, image.expired, image.updated, image.deleted,
        image.usage_added, image.usage_removed]
    EventEndpointURL:
      type: string
      description: >-
        An http or https URL with a host and no user or password. Whether its host resolves, and to a public
        address, is only known when it is checked: a URL that fits this pattern may still be refused with a 400.
      minLength: 8
      maxLength: 2048
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://([^\s/?#@\[\]]+|\[[0-9A-Fa-f:.]+\])([/?#]\S*)?$'
    EventEndpointRequest:
      type: object
      required: [url]
      properties:
        url:
          $ref: '#/components/schemas/EventEndpointURL'
        events:
          type: array
          maxItems: 16
          items:
            $ref: '#/components/schemas/EventType'
        description:
          type: string
          maxLength: 1000
    EventEndpointUpdate:
      type: object
      properties:
        url:
          $ref: '#/components/schemas/EventEndpointURL'
        events:
          type: array
          maxItems: 16
          items:
            $ref: '#/components/schemas/EventType'
        description:
          type: string
          maxLength: 1000
        enabled:
          type: boolean
    EventEndpoint:
      type: object
      required: [id, url, description, events, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at]
      not:
        required: [secret]
      properties:
        id:
          type: string
          examples: [ep_5d1f0c2a9b8e7d6c5b4a3f21]
        url:
          type: string
        description:
          type: string
        events:
          description: The types delivered (every type when registered with none).
          type: array
          items:
            $ref: '#/components/schemas/EventType'
        enabled:
          type: boolean
        disabled_reason:
          description: Why the worker disabled it (failing for 24 hours); null otherwise.
          type: [string, 'null']
        failing_since:
          description: The first failed attempt since the last success.
          type: [string, 'null']
          format: date-time
        previous_secret_expires_at:
          description: Until when the secret before the last rotation still signs.
          type: [string, 'null']
          format: date-time
        created_at:
          type: string
          format: date-time
        updated_at:
          type: string
          format: date-time
    EventEndpointWithSecret:
      type: object
      required: [id, url, description, events, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at, secret]
      properties:
        id:
          type: string
        url:
          type: string
        description:
          type: string
        events:
          type: array
          items:
            $ref: '#/components/schemas/EventType'
        enabled:
          type: boolean
        disabled_reason:
          type: [string, 'null']
        failing_since:
          type: [string, 'null']
          format: date-time
        previous_secret_expires_at:
          type: [string, 'null']
          format: date-time
        created_at:
          type: string
          format: date-time
        updated_at:
          type: string
          format: date-time
        secret:
          description: 'The HMAC-SHA256 key of `Cfimages-Signature`; shown only in this answer.'
          type: string
          examples: [whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978]
    EventSummary:
      type: object
      required: [id, type, created_at, image_id, deliveries]
      properties:
        id:
          type: string
          examples: [evt_8a7b6c5d4e3f2a1b0c9d8e7f]
        type:
          $ref: '#/components/schemas/EventType'
        created_at:
          type: string
          format: date-time
        image_id:
          type: string
          format: uuid
        deliveries:
          type: array
          items:
            type: object
            required: [endpoint, state, attempts, next_attempt_at, delivered_at, last_status, last_error]
            properties:
              endpoint:
                type: string
              state:
                type: string
                enum: [pending, delivered, failed]
              attempts:
                type: integer
                minimum: 0
              next_attempt_at:
                type: [string, 'null']
                format: date-time
              delivered_at:
                type: [string, 'null']
                format: date-time
              last_status:
                type: [integer, 'null']
              last_error:
                type: [string, 'null']
    Detail:
      type: object
      required: [detail]
      not:
        required: [error]
      properties:
        detail:
          type: string
      examples:
        - detail: Authentication credentials were not provided.
    ServiceError:
      type: object
      required: [error]
      properties:
        error:
          type: string
      examples:
        - error: 'Failed to create upload URL: Cloudflare answered 502'
    FieldErrors:
      description: |
        DRF's validation errors: each field maps to its messages; a list field may map to `{"<index>": [messages]}`;
        errors not tied to one field are under `non_field_errors`.
      type: object
      minProperties: 1
      propertyNames:
        not:
          enum: [detail, error]
      additionalProperties:
        oneOf:
          - type: array
            items:
              type: string
          - type: object
            additionalProperties:
              type: array
              items:
                type: string
          - type: string
      examples:
        - width: ['width must be in 1...12000, got 0']

    ImageStatusValue:
      type: string
      enum: [pending, draft, uploaded, failed, expired]

    Image:
      type: object
      required: [id, cloudflare_id, filename, original_filename, content_type, file_size, upload_url, status,
        require_signed_urls, metadata, created_at, updated_at, uploaded_at, expires_at, variants, cloudflare_metadata,
        public_url, thumbnail_url, is_expired, is_uploaded]
      properties:
        id:
          type: string
          format: uuid
        cloudflare_id:
          type: string
        filename:
          type: string
        original_filename:
          type: string
        content_type:
          type: string
        file_size:
          type: [integer, 'null']
        upload_url:
          type: string
          format: uri
        status:
          $ref: '#/components/schemas/ImageStatusValue'
        require_signed_urls:
          type: boolean
        metadata:
          type: object
        created_at:
          type: string
          format: date-time
        updated_at:
          type: string
          format: date-time
        uploaded_at:
          type: [string, 'null']
          format: date-time
        expires_at:
          type: string
          format: date-time
          description: When the upload URL expires.
        variants:
          type: array
          items:
            type: string
            format: uri
        cloudflare_metadata:
          type: object
        public_url:
          type: [string, 'null']
          format: uri
          description: The `public` variant URL, on the custom delivery domain when one is configured.
        thumbnail_url:
          type: [string, 'null']
          format: uri
          description: The thumbnail variant URL (falls back to `public_url`), on the custom delivery domain when configured.
        is_expired:
          type: boolean
        is_uploaded:
          type: boolean

    ImageStatus:
      type: object
      required: [id, cloudflare_id, status, uploaded_at, variants, public_url, thumbnail_url, is_uploaded, is_expired]
      properties:
        id:
          type: string
          format: uuid
        cloudflare_id:
          type: string
        status:
          $ref: '#/components/schemas/ImageStatusValue'
        uploaded_at:
          type: [string, 'null']
          format: date-time
        variants:
          type: array
          items:
            type: string
        public_url:
          type: [string, 'null']
        thumbnail_url:
          type: [string, 'null']
        is_uploaded:
          type: boolean
        is_expired:
          type: boolean

    ImageUpdate:
      type: object
      properties:
        filename:
          type: [string, number]
          pattern: '^[^\x00]*$'
          maxLength: 255
        original_filename:
          type: [string, number]
          pattern: '^[^\x00]*$'
          maxLength: 255
        content_type:
          type: [string, number]
          pattern: '^[^\x00]*$'
          maxLength: 100
        file_size:
          type: [integer, string, 'null']
          minimum: 0
          maximum: 10485760
          pattern: '^[ \t\n\r\x0b\x0c]*\+?0*[0-9]{1,7}(\.0*)?[ \t\n\r\x0b\x0c]*$'
          description: At most `CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB` (10 by default, the maximum stated here) MiB; as text, at most seven digits after any leading zeros.
        require_signed_urls:
          $ref: '#/components/schemas/DRFBoolean'
        metadata:
          type: object
          description: At most 1,024 bytes once serialized as JSON (Cloudflare's limit); more answers 400.

    ImageUpdateForm:
      description: ImageUpdate as form fields, where there is no null and no JSON object (so no `metadata`).
      type: object
      allOf:
        - $ref: '#/components/schemas/ImageUpdate'
        - type: object
          properties:
            file_size:
              type: [integer, string]
            metadata:
              not: {}

    ImagePage:
      description: DRF's paginated list.
      type: object
      required: [count, next, previous, results]
      properties:
        count:
          type: integer
          minimum: 0
        next:
          type: [string, 'null']
          format: uri
        previous:
          type: [string, 'null']
          format: uri
        results:
          type: array
          items:
            $ref: '#/components/schemas/Image'

    Log:
      type: object
      required: [id, event_type, message, data, timestamp]
      properties:
        id:
          type: integer
        event_type:
          type: string
          examples: [upload_url_created, webhook_received, status_checked]
        message:
          type: string
        data:
          type: object
        timestamp:
          type: string
          format: date-time

    UploadURLRequest:
      type: object
      properties:
        custom_id:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
          not:
            anyOf:
              - {type: string, pattern: '^\s*/|/\s*$'}
              - {type: string, pattern: '[\x00-\x1f\x7f?#]'}
              - {type: string, pattern: '(^|/)\.{0,2}(/|$)'}
              - type: string
                pattern: '^\s*[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\s*$'
          description: Your own Cloudflare id (may contain `/`, not at either end; no control characters, `?` or `#`; no empty, `.` or `..` segments; not a UUID; not one already taken).
        metadata:
          type: object
          description: At most 1024 bytes serialized; merged over the configured default metadata.
        require_signed_urls:
          $ref: '#/components/schemas/DRFBoolean'
          description: Defaults to `CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS` (true).
        expiry_minutes:
          type: [integer, string]
          pattern: '^[ \t\n\r\x0b\x0c]*[+-]?[0-9]+(\.0*)?[ \t\n\r\x0b\x0c]*$'
          minimum: 2
          maximum: 360
          default: 30
        filename:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
        creator:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*$'

    UploadURLResponse:
      type: object
      required: [id, cloudflare_id, upload_url, expires_at, status]
      properties:
        id:
          type: string
          format: uuid
        cloudflare_id:
          type: string
        upload_url:
          type: string
          format: uri
        expires_at:
          type: string
          format: date-time
        status:
          $ref: '#/components/schemas/ImageStatusValue'

    BulkDeleteRequest:
      type: object
      description: At least one of `ids` and `cloudflare_ids`, not empty.
      anyOf:
        - required: [ids]
          properties:
            ids:
              type: array
              minItems: 1
        - required: [cloudflare_ids]
          properties:
            cloudflare_ids:
              type: array
              minItems: 1
      properties:
        ids:
          type: array
          items:
            $ref: '#/components/schemas/DRFUUID'
        cloudflare_ids:
          type: array
          items:
            type: [string, number]
            pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
        force:
          $ref: '#/components/schemas/DRFBoolean'
          description: Delete images still referenced by content too (default false, as in the reference).

    BulkDeleteResponse:
      type: object
      required: [results]
      properties:
        results:
          type: array
          items:
            type: object
            required: [status]
            properties:
              id:
                type: string
              cloudflare_id:
                type: string
              status:
                type: string
                enum: [deleted, not_found, error, in_use]
              error:
                type: string
              usage_count:
                type: integer
                description: With `in_use`, how many usages point at the image.

    BulkStatusCheckRequest:
      type: object
      required: [image_ids]
      properties:
        image_ids:
          type: array
          maxItems: 50
          items:
            $ref: '#/components/schemas/DRFUUID'

    BulkStatusCheckResponse:
      type: object
      required: [results]
      properties:
        results:
          type: array
          items:
            oneOf:
              - $ref: '#/components/schemas/ImageStatus'
              - type: object
                required: [id, cloudflare_id, error]
                properties:
                  id:
                    type: string
                    format: uuid
                  cloudflare_id:
                    type: string
                  error:
                    type: string

    Counts:
      type: object
      required: [total_images, uploaded_images, pending_images, draft_images, failed_images, expired_images,
        total_file_size, images_with_signed_urls, total_usages, orphaned_images]
      properties:
        total_images:
          type: integer
        uploaded_images:
          type: integer
        pending_images:
          type: integer
        draft_images:
          type: integer
        failed_images:
          type: integer
        expired_images:
          type: integer
        total_file_size:
          type: integer
        images_with_signed_urls:
          type: integer
        total_usages:
          type: integer
          description: Usage rows pointing at these images.
        orphaned_images:
          type: integer
          description: Images no usage points at.

    Usage:
      description: The reference's ImageUsage. `content_object` is always null here (the service never sees the objects).
      type: object
      required: [id, cloudflare_id, image, content_type, object_id, content_object, field_name, is_unregistered, created_at, updated_at]
      properties:
        id:
          type: integer
        cloudflare_id:
          type: string
        image:
          type: [string, 'null']
          format: uuid
        content_type:
          type: string
          description: app_label.model
        object_id:
          type: string
        content_object:
          type: 'null'
        field_name:
          type: string
        is_unregistered:
          type: boolean
        created_at:
          type: string
          format: date-time
        updated_at:
          type: string
          format: date-time

    UsagePage:
      type: object
      required: [count, next, previous, results]
      properties:
        count:
          type: integer
        next:
          type: [string, 'null']
        previous:
          type: [string, 'null']
        results:
          type: array
          items:
            $ref: '#/components/schemas/Usage'

    UsageRequest:
      type: object
      required: [content_type, object_id]
      description: One of `cloudflare_id` and `image` (our id).
      properties:
        cloudflare_id:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
        image:
          type: string
          format: uuid
        content_type:
          type: string
          pattern: '^[a-z0-9_]+\.[a-z0-9_]+$'
          maxLength: 255
          description: app_label.model
        object_id:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
        field_name:
          type: [string, number]
          maxLength: 255
          pattern: '^[^\x00]*[^\s\x00][^\x00]*$'
          default: manual
        source:
          type: string
          enum: [manual, auto]
          default: manual

    UsageWriteSummary:
      type: object
      required: [created, changed, unchanged, kept_manual, removed]
      properties:
        created:
          type: integer
        changed:
          type: integer
        unchanged:
          type: integer
        kept_manual:
          type: integer
          description: auto references not applied because a manual row holds the field.
        removed:
          type: integer

    Stats:
      description: The caller's counters; `global`, `cloudflare` and (when Cloudflare cannot answer) `cloudflare_error` for administrators only.
      allOf:
        - $ref: '#/components/schemas/Counts'
        - type: object
          properties:
            global:
              $ref: '#/components/schemas/Counts'
            cloudflare:
              oneOf:
                - type: object
                  required: [allowed, current]
                  description: Cloudflare's `v1/stats` counts; null where Cloudflare reports none.
                  properties:
                    allowed:
                      type: [integer, 'null']
                    current:
                      type: [integer, 'null']
                - type: 'null'
            cloudflare_error:
              type: string

    WebhookPayload:
      description: Cloudflare's Notifications envelope (the image id in `data.image_id`), its Save and Test body, or the reference's flat image object (at least `id`). Either way only a hint; the image is fetched from Cloudflare.
      type: object
      properties:
        text:
          type: string
        data:
          type: object
          description: For Images notifications, `image_id` (also `imageId`, `id` or `image.id`) and `status`.
        alert_type:
          type: string
        ts:
          type: integer
        id:
          type: string
        uploaded:
          type: string
        draft:
          $ref: '#/components/schemas/DRFBoolean'
        variants:
          type: array
          items:
            type: string
        metadata:
          type: object
        filename:
          type: string
        creator:
          type: string
        requireSignedURLs:
          $ref: '#/components/schemas/DRFBoolean'
      additionalProperties: true

    DeliveryURL:
      type: object
      required: [url, expires_at, signed]
      properties:
        url:
          type: string
          format: uri
          examples: ['https://images.example.com/cdn-cgi/imagedelivery/HASH/0e1f.../public?exp=1767272400&sig=5c0f...']
        expires_at:
          type: [string, 'null']
          format: date-time
          description: When a signed URL stops working; null for an unsigned URL.
        signed:
          type: boolean

    Srcset:
      type: object
      required: [src, srcset, sizes, html]
      properties:
        src:
          type: string
          format: uri
        srcset:
          type: string
          examples: ['https://imagedelivery.net/HASH/ID/fit=scale-down,format=auto,quality=85,width=320 320w, ...']
        sizes:
          type: string
        html:
          type: string
          examples: ['<img src="..." srcset="..." sizes="100vw" alt="A &quot;cat&quot;" class="hero" loading="lazy">']

"""#
}
