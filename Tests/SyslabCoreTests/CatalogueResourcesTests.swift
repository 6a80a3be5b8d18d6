import Testing
@testable import SyslabCore

@Suite("Catalogue: resources")
struct CatalogueResourcesTests {
    @Test func algorithmicDegradationScalesWithComplexity() throws {
        let quadratic = try CatalogueHarness("algorithmic-degradation", ["n": 1000, "complexity": "quadratic", "ns_per_operation": 1])
        #expect(try quadratic.decide() == [.cpuBurn(seconds: 0.001)])
        let doubled = try CatalogueHarness("algorithmic-degradation", ["n": 2000, "complexity": "quadratic", "ns_per_operation": 1])
        #expect(try doubled.decide() == [.cpuBurn(seconds: 0.004)], "doubling n quadruples quadratic work")
        let linear = try CatalogueHarness("algorithmic-degradation", ["n": 2000, "complexity": "linear", "ns_per_operation": 1000])
        #expect(try linear.decide() == [.cpuBurn(seconds: 0.002)])
        let huge = try CatalogueHarness("algorithmic-degradation", ["n": 10_000_000, "complexity": "cubic"])
        #expect(try huge.decide() == [.cpuBurn(seconds: AlgorithmicDegradation.maximumSeconds)], "capped")
        #expect(quadratic.metric("algorithm_operations_total", LabelValues("algorithmic-degradation", "quadratic")) == 1_000_000)
    }

    @Test func cpuSpikeBurnsOnlyDuringSpikes() throws {
        let h = try CatalogueHarness("cpu-spike", ["cpu_ms": 100, "spike_period_seconds": 60, "spike_duration_seconds": 15])
        let runs = try h.run(120, every: 1)
        let spiking = runs.indices.filter { !runs[$0].isEmpty }
        #expect(spiking == Array(0..<15) + Array(60..<75))
        #expect(runs[0] == [.cpuBurn(seconds: 0.1)])
        #expect(abs(h.metric("cpu_injected_seconds_total", LabelValues("cpu-spike"))! - 3) < 1e-9)
    }

    @Test func memoryLeakGrowsUntilTheOomKill() throws {
        let h = try CatalogueHarness("memory-leak", ["leak_bytes_per_request": 1_048_576, "memory_limit_bytes": 10_485_760])
        let runs = try h.run(25)
        #expect(runs[0] == [.memoryRetention(bytes: 1_048_576)])
        #expect(runs[9] == [.error(status: 503)], "the tenth request reaches the limit")
        #expect(runs[19] == [.error(status: 503)], "after the restart it leaks again")
        #expect(h.metric("memory_oom_kills_total", LabelValues("memory-leak")) == 2)
        #expect(h.metric("memory_leaked_bytes", LabelValues("memory-leak")) == 5_242_880.0)
        let noRestart = try CatalogueHarness("memory-leak", ["leak_bytes_per_request": 1_048_576, "memory_limit_bytes": 2_097_152, "restart_on_oom": false])
        #expect(try noRestart.run(5).dropFirst().allSatisfy { $0 == [.error(status: 503)] })
    }

    @Test func diskFullFailsWritesOnceSpaceRunsOut() throws {
        let h = try CatalogueHarness("disk-full", ["disk_bytes": 100_000_000, "used_fraction": 0.9, "write_bytes_per_request": 3_000_000, "status_code": 507])
        let runs = try h.run(5)
        #expect(runs.prefix(3).allSatisfy { $0.isEmpty }, "10 MB free: three 3 MB writes fit")
        #expect(runs.dropFirst(3).allSatisfy { $0 == [.diskFull(status: 507)] })
        #expect(abs(h.metric("disk_available_bytes", LabelValues("disk-full"))! - 1_000_000) < 1e-3)
        #expect(h.metric("disk_write_failures_total", LabelValues("disk-full")) == 2)
    }

    @Test func resourceStarvationStretchesWorkByTheHoggedShare() throws {
        let h = try CatalogueHarness("resource-starvation", ["hog_share": 0.75, "work_ms": 100])
        #expect(same(try h.decide(), [.queueWait(seconds: 0.3)]), "0.1 s x 0.75 / 0.25")
        let periodic = try CatalogueHarness("resource-starvation", ["hog_share": 0.5, "work_ms": 100, "hog_period_seconds": 10, "hog_duration_seconds": 5])
        let runs = try periodic.run(20, every: 1)
        #expect(runs.indices.filter { !runs[$0].isEmpty } == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14])
    }

    @Test func threadPoolBlocksThenRejects() throws {
        let h = try CatalogueHarness("thread-pool-exhaustion", ["threads": 2, "blocking_ms": 1000, "queue_timeout_ms": 1500])
        #expect(try h.decide() == [.delay(seconds: 1)])
        #expect(try h.decide() == [.delay(seconds: 1)])
        #expect(try h.decide() == [.queueWait(seconds: 1), .delay(seconds: 1)], "waits for a thread")
        #expect(try h.decide() == [.queueWait(seconds: 1), .delay(seconds: 1)])
        #expect(try h.decide() == [.queueWait(seconds: 1.5), .error(status: 503)], "the next free thread is 2 s away")
        #expect(h.metric("thread_pool_active_threads", LabelValues("thread-pool-exhaustion")) == 2)
        #expect(h.metric("thread_pool_rejections_total", LabelValues("thread-pool-exhaustion")) == 1)
    }

    @Test func fileDescriptorLeakExhaustsTheLimit() throws {
        let h = try CatalogueHarness("file-descriptor-leak", ["leak_probability": 1, "fd_limit": 20, "baseline_fds": 16])
        let runs = try h.run(6)
        #expect(runs.prefix(4).allSatisfy { $0.isEmpty })
        #expect(runs.dropFirst(4).allSatisfy { $0 == [.error(status: 500)] })
        let dropping = try CatalogueHarness("file-descriptor-leak", ["leak_probability": 1, "fd_limit": 16, "baseline_fds": 16, "on_exhaustion": "drop"])
        #expect(try dropping.decide() == [.drop()])
        #expect(h.metric("file_descriptors_leaked", LabelValues("file-descriptor-leak")) == 4)
    }

    @Test func memoryPressureCollectsMoreOftenAsTheHeapFills() throws {
        func pauses(_ used: Double) throws -> Int {
            let h = try CatalogueHarness("memory-pressure", ["heap_bytes": 1_073_741_824, "used_fraction": .number(used), "allocation_bytes_per_request": 1_048_576, "gc_pause_ms": 50])
            return try h.run(10_240).filter { $0 == [.delay(seconds: 0.05)] }.count
        }
        // Free space 1024 x (1 - used) MiB, 1 MiB per request: a GC every 1024 x (1 - used) requests.
        #expect(try pauses(0.5) == 20)
        #expect(try pauses(0.9) == 100)
        #expect(try pauses(0.99) >= 980)
    }

    @Test func diskIoQueuesOnlyAboveTheDisksRate() throws {
        // 400 IOPS / 4 per request = 100 requests per second.
        let calm = try CatalogueHarness("disk-io-saturation", ["iops": 400, "ops_per_request": 4])
        #expect(try calm.run(1_000, every: 0.011).allSatisfy { $0.isEmpty })
        let busy = try CatalogueHarness("disk-io-saturation", ["iops": 400, "ops_per_request": 4])
        let waits = try busy.run(1_000, every: 0.005).map { seconds($0, .queueWait) }
        // Offered 200/s against 100/s: the backlog grows by 0.005 s of work per request.
        #expect(abs(waits[999] - 999 * 0.005) < 0.05, "wait after 1000 requests: \(waits[999])")
    }

    @Test func bandwidthLimitCapsThroughput() throws {
        let h = try CatalogueHarness("bandwidth-limit", ["bytes_per_second": 1_000_000, "response_bytes": 2_500_000])
        #expect(try h.decide() == [.bandwidth(bytesPerSecond: 1_000_000)])
        let hist = try #require(h.histogram("network_transfer_seconds", LabelValues("bandwidth-limit")))
        #expect(hist.sum == 2.5)
        #expect(h.metric("network_bandwidth_limit_bytes_per_second", LabelValues("bandwidth-limit")) == 1_000_000)
    }
}
