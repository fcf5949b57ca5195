import Foundation
import Glibc
import Hummingbird
import NIOCore

/// `--assets DIR`, served at `/assets/`: the OS images the iPXE scripts boot (kernel, initramfs,
/// rootfs), too large to keep in memory and not part of a build. Each path component is opened
/// below DIR without following symbolic links; only regular files are served; dotfiles never.
struct AssetFolder: Sendable {
    let root: String

    func response(for relative: String, request: Request) -> Response {
        guard RequestPath.isServable(relative), let fd = open(relative) else { return ServeResponder.notFound }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return ServeResponder.notFound
        }
        let length = Int(info.st_size)
        let etag = "W/\"\(length)-\(info.st_mtim.tv_sec)\""
        var headers: HTTPFields = [
            .contentType: relative.hasSuffix(".ign") ? "application/json" : "application/octet-stream",
            .eTag: etag, .acceptRanges: "bytes",
        ]
        if let condition = request.headers[.ifNoneMatch], ServeResponder.matches(condition, etag) {
            close(fd)
            return Response(status: .notModified, headers: headers)
        }
        var status = HTTPResponse.Status.ok
        var bounds = 0...(length - 1)
        switch ByteRange(header: request.headers[.range], length: length) {
        case .whole: break
        case .part(let part):
            bounds = part
            status = .partialContent
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(length)"
        case .unsatisfiable:
            close(fd)
            headers[.contentRange] = "bytes */\(length)"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: .init(byteBuffer: ByteBuffer()))
        }
        if length == 0 {
            close(fd)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer()))
        }
        if request.method == .head {
            close(fd)
            headers[.contentLength] = String(bounds.count)
            return Response(status: status, headers: headers)
        }
        let descriptor = fd
        let range = bounds
        let body = ResponseBody(contentLength: range.count) { writer in
            defer { Glibc.close(descriptor) }
            var offset = range.lowerBound
            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 18)
            while offset <= range.upperBound {
                buffer.clear()
                let want = min(1 << 18, range.upperBound - offset + 1)
                let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw in
                    max(0, pread(descriptor, raw.baseAddress, want, off_t(offset)))
                }
                if n == 0 { break }
                offset += n
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The file at `relative` below the folder, every component opened without following links.
    private func open(_ relative: String) -> Int32? {
        var fd = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let parts = relative.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (i == parts.count - 1 ? 0 : O_DIRECTORY)
            let next = openat(fd, part, flags)
            close(fd)
            guard next >= 0 else { return nil }
            fd = next
        }
        return fd
    }
}
