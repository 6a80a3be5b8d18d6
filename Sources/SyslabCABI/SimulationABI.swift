import SyslabCore
import SyslabSimulation

// The "Simulation and load tests" section of Include/syslab.h: queueing
// stations and simulated load tests. Configuration crosses as JSON; a run
// returns a read-only report handle with its summary, series, traces and logs.

/// What a `syslab_report *` points to: a finished, immutable load test report.
final class ReportHandle {
    let report: LoadTestReport
    init(_ report: LoadTestReport) { self.report = report }

    static func from(_ pointer: OpaquePointer?, _ function: String) throws -> LoadTestReport {
        guard let pointer else { throw SyslabError.invalidArgument("\(function): report is NULL") }
        return Unmanaged<ReportHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue().report
    }
}

@_cdecl("syslab_queue_run")
public func syslab_queue_run(_ model: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let queue = try QueueingModel(config: try ABI.requiredJSON(model, "model_json"))
        try ABI.output(out, try QueueingSimulation(queue).run().json.serialized())
    }
}

@_cdecl("syslab_loadtest_run")
public func syslab_loadtest_run(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ registry: OpaquePointer?, _ test: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let catalogue = try registry.map { try RegistryBox.from($0, "syslab_loadtest_run").registry }
        let loadTest = try LoadTest(config: try ABI.requiredJSON(test, "test_json"))
        let report = try loadTest.run(registry: catalogue)
        out!.pointee = OpaquePointer(Unmanaged.passRetained(ReportHandle(report)).toOpaque())
    }
}

@_cdecl("syslab_report_free")
public func syslab_report_free(_ report: OpaquePointer?) {
    guard let report else { return }
    Unmanaged<ReportHandle>.fromOpaque(UnsafeRawPointer(report)).release()
}

@_cdecl("syslab_report_json")
public func syslab_report_json(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_json").json.serialized())
    }
}

@_cdecl("syslab_report_summary")
public func syslab_report_summary(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_summary").summary)
    }
}

@_cdecl("syslab_report_html")
public func syslab_report_html(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_html")
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_html").html)
    }
}

@_cdecl("syslab_report_series_csv")
public func syslab_report_series_csv(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_series_csv").result.seriesCSV)
    }
}

@_cdecl("syslab_report_traces_json")
public func syslab_report_traces_json(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_traces_json").result.tracesJSON.serialized())
    }
}

@_cdecl("syslab_report_logs_jsonl")
public func syslab_report_logs_jsonl(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try ReportHandle.from(report, "syslab_report_logs_jsonl").result.logsJSONL)
    }
}

@_cdecl("syslab_report_passed")
public func syslab_report_passed(_ report: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_passed")
        out!.pointee = 0
        out!.pointee = try ReportHandle.from(report, "syslab_report_passed").passed ? 1 : 0
    }
}

@_cdecl("syslab_report_percentile")
public func syslab_report_percentile(_ report: OpaquePointer?, _ percentile: Double, _ corrected: Int32, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_seconds")
        out!.pointee = 0
        let r = try ReportHandle.from(report, "syslab_report_percentile")
        guard percentile >= 0, percentile <= 100 else {
            throw SyslabError.outOfRange("percentile must be in [0, 100], got \(JSONValue.format(number: percentile))")
        }
        out!.pointee = r.result.latencyPercentile(percentile, corrected: corrected != 0)
    }
}
