#if canImport(Glibc)
import Glibc
#endif
import SyslabCore
import SyslabLua

/// Version, error text and string ownership: the functions every caller uses.
enum LibraryInfo {
    static let version = "0.1.0"
    static let versionNumber: Int32 = 100  // major * 10000 + minor * 100 + patch
    static let versionCString: UnsafePointer<CChar> = UnsafePointer(strdup(version)!)
}

@_cdecl("syslab_version")
public func syslab_version() -> UnsafePointer<CChar> { LibraryInfo.versionCString }

@_cdecl("syslab_version_number")
public func syslab_version_number() -> Int32 { LibraryInfo.versionNumber }

@_cdecl("syslab_last_error")
public func syslab_last_error() -> UnsafePointer<CChar> { LastError.current }

@_cdecl("syslab_strerror")
public func syslab_strerror(_ status: Int32) -> UnsafePointer<CChar> {
    UnsafeRawPointer(SyslabStatus.text(status).utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("syslab_string_free")
public func syslab_string_free(_ s: UnsafeMutablePointer<CChar>?) { free(s) }
