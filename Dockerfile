# `kliento serve` in a container: a drop-in for the Kliento Verifier image (port 3000, GET / is
# 404, so its readiness probe keeps working), plus /healthz, /readyz and /metrics.
#
#   docker build -t kliento .
#   docker run --rm -p 127.0.0.1:3000:3000 kliento
#   docker run --rm -p 127.0.0.1:3000:3000 -v "$PWD/test-root.ds:/anchors.ds:ro" \
#     -e KLIENTO_TRUST_ANCHORS=/anchors.ds kliento
#
# Not built in this project's CI: no container registry is reachable there, so the base images
# cannot be pulled. tests/it/serve_container.rs runs the same binary with this ENTRYPOINT, ENV and
# USER outside a container.

FROM rust:1.88-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
COPY examples examples
RUN cargo build --release --locked --bin kliento && strip target/release/kliento

# glibc and libgcc only: what the binary links (no OpenSSL: rustls on ring).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/kliento /usr/local/bin/kliento
USER 65532:65532
ENV KLIENTO_LISTEN=0.0.0.0:3000
EXPOSE 3000
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/kliento", "serve"]
