#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// The few POSIX file operations the template store needs, with errors that
/// say which file and why. The core has no Foundation, so this is direct.
enum FileSystem {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Whether a directory entry named `path` exists, whatever it is: a
    /// dangling symlink or a symlink loop exists too (and `read` says why it
    /// cannot be read), rather than looking like a missing file.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw SyslabError.io("cannot create directory \(current): \(errnoText())")
            }
        }
        guard isDirectory(path) else { throw SyslabError.io("\(path) exists and is not a directory") }
    }

    /// The bytes of a regular file (symlinks to one are followed). Opened
    /// non-blocking, so a FIFO or device named like a file is refused by its
    /// type instead of blocking the caller forever.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let loop = errno == ELOOP ? " (a symbolic link loop)" : ""
            throw SyslabError.io("cannot open \(path): \(errnoText())\(loop)")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SyslabError.io("cannot stat \(path): \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw SyslabError.io("\(path) is not a regular file (it is \(typeName(st.st_mode)))")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SyslabError.io("cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            guard bytes.count <= limit else { throw SyslabError.limitExceeded("\(path) is larger than \(limit) bytes") }
        }
        return bytes
    }

    static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Writes to a temporary file in the same directory, flushes it, and
    /// renames it over `path`: readers see the old or the new file, never a
    /// torn one, even if the process dies mid-write.
    static func writeAtomically(_ path: String, _ text: String) throws {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SyslabError.io("cannot create \(temp): \(errnoText())") }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = errnoText()
                close(fd)
                throw SyslabError.io("cannot write \(temp): \(message)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let message = errnoText()
            close(fd)
            throw SyslabError.io("cannot flush \(temp): \(message)")
        }
        close(fd)
        guard rename(temp, path) == 0 else { throw SyslabError.io("cannot replace \(path): \(errnoText())") }
        ok = true
        // Make the rename itself durable.
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 else { throw SyslabError.io("cannot delete \(path): \(errnoText())") }
    }

    /// Names of the entries in a directory (no "." or ".."), sorted; empty if it does not exist.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw SyslabError.io("cannot list \(path): \(errnoText())")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let s = String(cString: value)
        return s.isEmpty ? nil : s
    }
}
