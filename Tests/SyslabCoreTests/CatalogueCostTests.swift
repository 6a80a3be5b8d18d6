import Testing
@testable import SyslabCore

/// The cost scenarios: the waste in numbers (bytes, requests, CPUs) and what it costs at the configured prices.
@Suite("Catalogue: cost")
struct CatalogueCostTests {
    func dollars(_ h: CatalogueHarness, _ scenario: String, _ resource: String) -> Double {
        h.metric("cloud_cost_dollars_total", LabelValues(scenario, resource)) ?? 0
    }

    @Test func oversizedResponsesWasteTransferTimeAndEgress() throws {
        let h = try CatalogueHarness("oversized-response", ["response_bytes": 200_000, "needed_fraction": 0.25, "client_bytes_per_second": 1_000_000, "egress_dollars_per_gib": 0.1])
        #expect(try h.run(10).allSatisfy { same($0, [.delay(seconds: 0.15)]) }, "150 kB unused at 1 MB/s")
        #expect(h.metric("response_wasted_bytes_total", LabelValues("oversized-response")) == 1_500_000)
        #expect(abs(dollars(h, "oversized-response", "egress") - 1_500_000 / 1_073_741_824 * 0.1) < 1e-12)
    }

    @Test func uncompressedPayloadsWasteWhatZlibWouldSave() throws {
        let h = try CatalogueHarness("uncompressed-payload", ["payload_bytes": 100_000, "client_bytes_per_second": 1_000_000])
        let ratio = try #require(h.metric("compression_ratio", LabelValues("uncompressed-payload", "6")))
        #expect(ratio > 3, "JSON-like text compresses well: \(ratio)")
        let compressed = try #require(CompressionTradeoffs.compress(CompressionTradeoffs.sample(bytes: 100_000), level: 6))
        let delay = try #require(try h.decide().first(.delay))
        #expect(abs(delay.seconds - Double(100_000 - compressed.count) / 1_000_000) < 1e-12)
    }

    @Test func jsonPaysForItsExtraBytesAndCPU() throws {
        let h = try CatalogueHarness("inefficient-serialization", ["records_per_request": 100, "client_bytes_per_second": 1_000_000])
        let json = try #require(h.metric("serialization_payload_bytes", LabelValues("inefficient-serialization", "json")))
        let wire = try #require(h.metric("serialization_payload_bytes", LabelValues("inefficient-serialization", "protobuf")))
        let effects = try h.decide()
        #expect(effects.map(\.kind) == [.cpuBurn, .delay])
        #expect(abs(effects[1].seconds - (json - wire) / 1_000_000) < 1e-12 && json > 2 * wire)
        #expect(dollars(h, "inefficient-serialization", "egress") > 0 && dollars(h, "inefficient-serialization", "compute") > 0)
    }

    @Test func coldStartsFollowIdleGapsLongerThanKeepWarm() throws {
        let h = try CatalogueHarness("cold-start", ["keep_warm_seconds": 60, "init_ms": 800])
        var cold: [Int] = []
        // Requests at 0, 30, 60, 90 s (warm), then a 100 s gap (cold), then 10 s later (warm), then a 61 s gap.
        for (i, gap) in [30.0, 30, 30, 100, 10, 61, 0].enumerated() {
            if try h.decide() == [.delay(seconds: 0.8)] { cold.append(i) }
            h.advance(gap)
        }
        #expect(cold == [0, 4, 6])
        #expect(h.metric("cold_starts_total", LabelValues("cold-start")) == 3)
        #expect(abs(dollars(h, "cold-start", "compute") - 3 * 0.8 * 0.0000166667) < 1e-12)
    }

    @Test func oversizedPoolsSqueezeEachOtherAtTheDatabaseLimit() throws {
        let h = try CatalogueHarness("idle-connection", ["instances": 5, "pool_size": 50, "active_connections": 8, "db_max_connections": 200])
        #expect(try h.decide() == [.capacity(fraction: 0.8)], "200 connections shared by five pools of 50")
        #expect(h.metric("db_idle_connections", LabelValues("idle-connection")) == 210)
        #expect(abs(h.metric("db_idle_connection_memory_bytes", LabelValues("idle-connection"))! - 210.0 * 10_485_760) < 1e-3)
        let roomy = try CatalogueHarness("idle-connection", ["db_max_connections": 1_000])
        #expect(try roomy.decide().isEmpty, "under the limit the waste is memory, not capacity")
    }

    @Test func pollingMakesEmptyRequestsForEveryChange() throws {
        let h = try CatalogueHarness("unnecessary-polling", ["poll_interval_seconds": 5, "update_interval_seconds": 300, "query_ms": 2])
        #expect(try h.run(10).allSatisfy { $0 == [.extraQueries(59, secondsEach: 0.002)] })
        #expect(h.metric("polls_total", LabelValues("unnecessary-polling", "empty")) == 590)
        #expect(h.metric("polls_total", LabelValues("unnecessary-polling", "changed")) == 10)
        let fresh = try CatalogueHarness("unnecessary-polling", ["poll_interval_seconds": 300, "update_interval_seconds": 300])
        #expect(try fresh.decide().isEmpty, "polling as often as the data changes wastes nothing")
    }

    @Test func idleReservationsAccrueCostWithTime() throws {
        let h = try CatalogueHarness("over-provisioned-resources", [
            "provisioned_cpus": 8, "used_cpus": 1.5, "provisioned_memory_bytes": 4_294_967_296, "used_memory_bytes": 1_073_741_824,
            "vcpu_dollars_per_hour": 0.04, "memory_dollars_per_gib_hour": 0.005,
        ])
        #expect(try h.decide() == [.memoryRetention(bytes: 1_073_741_824)], "3 GiB idle, held up to the 1 GiB cap")
        h.advance(3_600)
        #expect(try h.decide().isEmpty, "the reservation is held once")
        #expect(abs(dollars(h, "over-provisioned-resources", "idle_cpu") - 6.5 * 0.04) < 1e-9, "6.5 idle CPUs for an hour")
        #expect(abs(dollars(h, "over-provisioned-resources", "idle_memory") - 3 * 0.005) < 1e-9)
        #expect(h.metric("provisioned_idle_cpus", LabelValues("over-provisioned-resources")) == 6.5)
    }

    @Test func crossRegionRequestsPayTheRoundTripAndTheTransfer() throws {
        let h = try CatalogueHarness("data-transfer-costs", ["cross_region_fraction": 0.3, "bytes_per_request": 51_200, "inter_region_rtt_ms": 70])
        let crossing = try h.run(10_000).filter { $0 == [.delay(seconds: 0.07)] }.count
        #expect(abs(Double(crossing) - 3_000) < 150)
        #expect(h.metric("cross_region_bytes_total", LabelValues("data-transfer-costs")) == Double(crossing) * 51_200)
        #expect(abs(dollars(h, "data-transfer-costs", "transfer") - Double(crossing) * 51_200 / 1_073_741_824 * 0.02) < 1e-9)
    }
}
