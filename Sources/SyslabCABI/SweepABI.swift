import SyslabCore
import SyslabSimulation

// The "Parameter sweeps" section of Include/syslab.h: a load test over a grid
// of values on a pool of threads, and the helpers for the usual questions.

/// The C progress callback: (user_data, done, total) → non-zero cancels.
public typealias SweepProgressFunction = @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Int32

enum SweepArguments {
    static func sweep(_ test: UnsafePointer<CChar>?, _ grid: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
                      function: String) throws -> Sweep {
        let testJSON = try ABI.requiredJSON(test, "test_json", function: function)
        let gridJSON = try ABI.requiredJSON(grid, "grid_json", limit: .document, function: function)
        let sweepOptions = try SweepOptions(config: try ABI.optionalJSON(options, "options_json", limit: .request, function: function))
        return try Sweep(test: testJSON, grid: try SweepGrid(config: gridJSON), options: sweepOptions)
    }
}

@_cdecl("syslab_sweep_plan")
public func syslab_sweep_plan(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: UnsafePointer<CChar>?,
                              _ grid: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_json")
        out!.pointee = nil
        let sweep = try SweepArguments.sweep(test, grid, options, function: "syslab_sweep_plan")
        let plan: JSONValue = [
            "points": .number(Double(sweep.pointCount)), "replicas": .number(Double(sweep.options.replicas)),
            "jobs": .number(Double(sweep.jobCount)), "first_job": .number(Double(sweep.jobs.lowerBound)),
            "job_count": .number(Double(sweep.jobs.count)), "threads": .number(Double(sweep.threads)),
            "seed": .number(Double(sweep.seed)), "grid": sweep.grid.json,
        ]
        try ABI.output(out, plan.serialized())
    }
}

@_cdecl("syslab_sweep_run")
public func syslab_sweep_run(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: UnsafePointer<CChar>?,
                             _ grid: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
                             _ progress: SweepProgressFunction?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_json")
        out!.pointee = nil
        let sweep = try SweepArguments.sweep(test, grid, options, function: "syslab_sweep_run")
        var relay: ((Int, Int) -> Bool)? = nil
        if let progress { relay = { done, total in progress(userData, done, total) == 0 } }
        let outcome = try sweep.run(progress: relay)
        try ABI.output(out, outcome.json.serialized())
    }
}

@_cdecl("syslab_sweep_smallest")
public func syslab_sweep_smallest(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ search: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_json")
        out!.pointee = nil
        let s = try SweepSearch(config: try ABI.requiredJSON(search, "search_json"))
        try ABI.output(out, s.json(try s.run()).serialized())
    }
}

@_cdecl("syslab_sweep_knee")
public func syslab_sweep_knee(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ knee: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out, "out_json")
        out!.pointee = nil
        try ABI.output(out, try SweepKnee.find(config: try ABI.requiredJSON(knee, "knee_json")).serialized())
    }
}
