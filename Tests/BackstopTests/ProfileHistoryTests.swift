import Backstop
import Foundation
import Testing

/// The profile fields of issue 14 through the public decoding API: bounds, dated lists, contradictions, unknown keys.
struct ProfileHistoryTests {
    let day = CalendarDate(year: 2026, month: 12, day: 4)!

    func decode(_ text: String) throws(JSONInputError) -> UserProfile {
        try JSONInput.decode(UserProfile.self, from: Data(text.utf8), source: "p.json")
    }

    func refusal(_ text: String) -> JSONInputError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func newFieldsDecode() throws {
        let profile = try decode(
            """
            {"id": "a", "creditScore": 640, "student": true, "enrolled": "undergraduate", "employment": "gig",
             "hardInquiries": {"last1m": 2, "last3m": 7, "dates": ["2026-11-20", "2026-10-01"]},
             "overdueEvents": [{"month": "2026-08", "daysPastDue": 45, "settled": "2026-09-30"}],
             "customerOf": ["icbc", "ccb"], "invitedBy": ["wechat-weilidai"]}
            """
        )
        #expect(profile.enrolled == .undergraduate)
        #expect(profile.employment == .gig)
        #expect(profile.hardInquiries?.last3m == 7)
        #expect(profile.hardInquiries?.dates?.first == CalendarDate(year: 2026, month: 10, day: 1))
        #expect(profile.overdueEvents?.first?.month == YearMonth(year: 2026, month: 8))
        #expect(profile.customerOf == ["icbc", "ccb"])
        #expect(profile.invitedBy == ["wechat-weilidai"])
        #expect(profile.unrecognizedFields.isEmpty)
        // The August 2026 late payment, settled on 2026-09-30, is marked on the report through September: it leaves
        // the 12-month window on 2027-09-01 and the report 5 years after it was settled.
        let event = try #require(profile.overdueEvents?.first)
        #expect(event.leavesWindow(months: 12, ifSettledOn: day) == CalendarDate(year: 2027, month: 9, day: 1))
        #expect(event.leavesCreditReport == CalendarDate(year: 2031, month: 9, day: 30))
    }

    @Test func malformedFieldsNameThePathAndRule() throws {
        let cases: [(String, String, String)] = [
            (#"{"id":"a","creditScore":640,"employment":"freelance"}"#, "employment", "must be one of employed"),
            (
                #"{"id":"a","creditScore":640,"hardInquiries":{"last1m":3,"last3m":2}}"#, "hardInquiries.last3m",
                "must be at least last1m"
            ),
            (
                #"{"id":"a","creditScore":640,"overdueEvents":[{"month":"2026-13","daysPastDue":3}]}"#,
                "overdueEvents[0].month", "YYYY-MM"
            ),
            (
                #"{"id":"a","creditScore":640,"overdueEvents":[{"month":"2026-03","daysPastDue":0}]}"#,
                "overdueEvents[0].daysPastDue", "must be from 1 to 100000 days"
            ),
            (
                #"{"id":"a","creditScore":640,"overdueEvents":[{"month":"2026-03","daysPastDue":3,"settled":"2026-02-01"}]}"#,
                "overdueEvents[0].settled", "must not be before"
            ),
            (#"{"id":"a","creditScore":640,"customerOf":["ICBC"]}"#, "customerOf[0]", "institution id"),
            (#"{"id":"a","creditScore":640,"invitedBy":["we chat"]}"#, "invitedBy[0]", "provider id"),
        ]
        for (text, path, rule) in cases {
            let error = try #require(refusal(text), "accepted \(text)")
            #expect(error.path == path, "\(text): \(error)")
            #expect(error.message.contains(rule), "\(text): \(error)")
        }
    }

    @Test func unknownKeysAreReportedNotDropped() throws {
        let profile = try decode(
            #"{"id":"a","creditScore":640,"hardInquiries3m":7,"repayment":{"overdueCount12m":1,"late":true},"#
                + #""overdueEvents":[{"month":"2026-03","daysPastDue":3,"note":"x"}]}"#
        )
        #expect(profile.unrecognizedFields == ["hardInquiries3m", "repayment.late", "overdueEvents.0.note"])
    }

    /// "3 overdue in 12 months by count, 2 by dates" names both fields; consistent lists fill absent counts.
    @Test func countsAndDatedListsMustAgree() throws {
        let events =
            #"[{"month":"2026-05","daysPastDue":12,"settled":"2026-05-20"},"#
            + #"{"month":"2026-01","daysPastDue":45,"settled":"2026-02-28"}]"#
        let contradictory = try decode(
            #"{"id":"a","creditScore":640,"repayment":{"overdueCount12m":3},"overdueEvents":\#(events)}"#
        )
        let found = contradictory.contradictions(on: day)
        #expect(found.map(\.fields) == [["repayment.overdueCount12m", "overdueEvents"]])
        #expect(found.first?.message.contains("says 3") == true && found.first?.message.contains("lists 2") == true)

        let derived = try decode(#"{"id":"a","creditScore":640,"overdueEvents":\#(events)}"#)
        #expect(derived.contradictions(on: day).isEmpty)
        let resolved = derived.resolved(on: day)
        #expect(resolved.repayment?.overdueCount12m == 2)
        #expect(resolved.repayment?.overdueCount24m == 2)
        #expect(resolved.repayment?.worstDaysPastDue == 45)
        // The January 2026 instalment, 45 days late, was marked overdue on the report in January and February (it was
        // settled on 2026-02-28): on 2027-01-01 February 2026 is still in the 12-month window; on 2027-03-01 it has
        // left it, not the 24-month one.
        let january = derived.resolved(on: CalendarDate(year: 2027, month: 1, day: 1)!)
        #expect(january.repayment?.overdueCount12m == 2)
        let after = derived.resolved(on: CalendarDate(year: 2027, month: 3, day: 1)!)
        #expect(after.repayment?.overdueCount12m == 1)
        #expect(after.repayment?.overdueCount24m == 2)

        let inquiries = try decode(
            #"{"id":"a","creditScore":640,"hardInquiries":{"last3m":3,"dates":["2026-11-20","2026-07-01"]}}"#
        )
        #expect(inquiries.contradictions(on: day).map(\.fields) == [["hardInquiries.last3m", "hardInquiries.dates"]])

        let notStudent = try decode(#"{"id":"a","creditScore":640,"student":false,"enrolled":"postgraduate"}"#)
        #expect(notStudent.contradictions(on: day).map(\.fields) == [["student", "enrolled"]])
        let enrolled = try decode(#"{"id":"a","creditScore":640,"enrolled":"postgraduate"}"#)
        #expect(enrolled.resolved(on: day).student == true)
    }
}
