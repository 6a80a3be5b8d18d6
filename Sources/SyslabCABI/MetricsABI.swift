import SyslabCore

/// Prometheus text exposition of a registry's metrics.
@_cdecl("syslab_registry_metrics_text")
public func syslab_registry_metrics_text(_ r: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_metrics_text")
        try ABI.requireOutput(out, "out_text")
        out!.pointee = nil
        try ABI.output(out, box.registry.metricsText())
    }
}
