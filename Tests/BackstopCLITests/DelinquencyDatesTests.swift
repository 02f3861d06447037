import BackstopCore
import Foundation
import Testing

/// Delinquency dated as the credit report records it (issue 24, item 1): an overdue record is marked every month from
/// the month it fell due to the month it is settled (today's, while unpaid), and the windows lenders read run from
/// the last marked month. Checked against an independent month-by-month computation, through the public API, the
/// real binary and the real server.
@Suite(.serialized)
struct DelinquencyDatesTests {
    /// The independent computation: walk every month the report marks and ask whether one lies in the window.
    static func bruteWithin(_ event: OverdueEvent, _ months: Int, on date: CalendarDate) -> Bool {
        let now = YearMonth(date)
        let last = event.settled.map(YearMonth.init) ?? now
        var month = event.month
        while month <= last && month <= now {
            let age = month.months(to: now)
            if age >= 0 && age < months { return true }
            guard
                let next = YearMonth(
                    year: month.month == 12 ? month.year + 1 : month.year,
                    month: month.month == 12 ? 1 : month.month + 1
                )
            else { break }
            month = next
        }
        return false
    }

    /// The first day of a month from which the brute-force walk no longer finds it in the window (searching forward).
    static func bruteLeaves(_ event: OverdueEvent, _ months: Int, settledBy: CalendarDate) -> CalendarDate {
        var settledEvent = event
        if settledEvent.settled == nil { settledEvent.settled = settledBy }
        var day = YearMonth(settledBy).firstDay
        while bruteWithin(settledEvent, months, on: day) { day = day.adding(months: 1) }
        return day
    }

    static func monthEnds(from start: YearMonth, count: Int) -> [CalendarDate] {
        (0..<count).map { start.firstDay.adding(months: $0 + 1).adding(days: -1) }
    }

    @Test func windowsAgreeWithAMonthByMonthWalkAtMonthEndsAndAcrossYears() throws {
        let dueMonths = (0..<16).compactMap { offset -> YearMonth? in
            let first = CalendarDate(year: 2023, month: 11, day: 1)!.adding(months: offset)
            return YearMonth(first)
        }
        let dates = Self.monthEnds(from: YearMonth(year: 2024, month: 1)!, count: 48)
        var checked = 0
        for due in dueMonths {
            for days in [1, 29, 31, 95, 200, 400] {
                for extra in [0, 17] {
                    let settled = due.firstDay.adding(days: days + extra)
                    let event = OverdueEvent(month: due, daysPastDue: days, settled: settled)
                    for date in dates where date >= settled {
                        for window in [12, 24] {
                            #expect(
                                event.within(lastMonths: window, of: date) == Self.bruteWithin(event, window, on: date),
                                "\(due) +\(days)d settled \(settled), \(window)m on \(date)"
                            )
                            checked += 1
                        }
                    }
                    for window in [12, 24] {
                        #expect(
                            event.leavesWindow(months: window, ifSettledOn: settled)
                                == Self.bruteLeaves(event, window, settledBy: settled),
                            "\(due) +\(days)d settled \(settled), leaves \(window)m"
                        )
                    }
                }
            }
        }
        // Unpaid, on month ends: counted in every window while unpaid; dated as if settled on the date.
        let unpaid = OverdueEvent(month: YearMonth(year: 2025, month: 12)!, daysPastDue: 336)
        let day = CalendarDate(year: 2026, month: 12, day: 31)!
        #expect(unpaid.within(lastMonths: 12, of: day))
        #expect(unpaid.leavesWindow(months: 12, ifSettledOn: day) == CalendarDate(year: 2027, month: 12, day: 1))
        #expect(Self.bruteLeaves(unpaid, 12, settledBy: day) == CalendarDate(year: 2027, month: 12, day: 1))
        #expect(checked > 10_000)
    }

    /// A 200-day default settled on 2025-05-01 (19 months before 2026-12-07) is still in the 24-month window.
    static let longDefault =
        #"{"id": "d200", "age": 34, "creditScore": 655, "repayment": {"currentOverdueAmount": 0}, "#
        + #""overdueEvents": [{"month": "2024-10", "daysPastDue": 200, "settled": "2025-05-01"}], "#
        + #""cashOutFlags12m": 0, "identity": "verified", "monthlyIncome": 9000, "monthlyDebtPayments": 0, "#
        + #""services": {"huabei": "closed", "jiebei": "closed"}}"#

    static func check(_ json: [String: Any]) throws {
        let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
        for service in diagnosis {
            let reasons = (service["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(reasons.contains("late-repayment"), "\(service)")
        }
        let steps = try #require(json["recovery"] as? [[String: Any]])
        let record = try #require(
            steps.compactMap { $0["horizon"] as? [String: Any] }.first { $0["kind"] as? String == "record" }
        )
        #expect(record["month"] as? String == "2024-10")
        #expect(record["leaves24MonthWindow"] as? String == "2027-05-01")
        #expect(record["leavesCreditReport"] as? String == "2030-05-01")
    }

    /// `POST /v1/diagnose` for a profile on 2026-12-07.
    static func diagnose(_ profile: String, port: Int) async throws -> (Int, [String: Any]) {
        try await ServeProcessTests().call(
            port,
            "POST",
            "/v1/diagnose",
            body: #"{"profile": \#(profile), "date": "2026-12-07"}"#
        )
    }

    @Test(.timeLimit(.minutes(2)))
    func aLongDefaultRecentlySettledIsLateRepaymentThroughTheBinaryAndTheServer() async throws {
        let result = try BinaryRunner.run(
            ["diagnose", "--profile", "-", "--date", "2026-12-07", "--format", "json"],
            stdin: Self.longDefault
        )
        #expect(result.status == 0, "\(result.stderr)")
        try Self.check(try BinaryRunner.json(result.stdout))
        let text = try BinaryRunner.run(
            ["diagnose", "--profile", "-", "--date", "2026-12-07"],
            stdin: Self.longDefault
        )
        #expect(!text.stdout.contains("none of the four published reasons"), "\(text.stdout)")
        #expect(text.stdout.contains("of the last 24 months of repayments from 2027-05-01"), "\(text.stdout)")

        let server = try ServeProcessTests().start(catalog: ProvidersCommandTests.catalog, token: "t0ken-delinquency")
        defer { server.process.terminate() }
        let (status, json) = try await Self.diagnose(Self.longDefault, port: server.port)
        #expect(status == 200, "\(json)")
        try Self.check(json)

        // Dates that contradict the days past due are refused, naming both fields.
        for (events, fields) in [
            (
                #"[{"month": "2026-01", "daysPastDue": 90, "settled": "2026-02-01"}]"#,
                ["overdueEvents[0].settled", "overdueEvents[0].daysPastDue"]
            ),
            (#"[{"month": "2026-11", "daysPastDue": 60}]"#, ["overdueEvents[0].daysPastDue", "date"]),
        ] {
            let profile = #"{"id": "c", "creditScore": 640, "overdueEvents": \#(events)}"#
            let refused = try BinaryRunner.run(
                ["diagnose", "--profile", "-", "--date", "2026-12-07"],
                stdin: profile
            )
            #expect(refused.status == 65, "\(refused.stdout)")
            for field in fields { #expect(refused.stderr.contains(field), "\(refused.stderr)") }
            let (code, body) = try await Self.diagnose(profile, port: server.port)
            #expect(code == 400, "\(body)")
            let message = "\(body)"
            for field in fields { #expect(message.contains(field), "\(message)") }
        }
    }
}
