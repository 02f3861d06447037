import BackstopCore
import BadInputMatrix
import Foundation
import Testing

/// Every field of the profile and the request, set missing, to the wrong type, negative, huge, to NaN-like strings and
/// in the wrong units, through the real `backstop alternatives`: exit 65 and one line on stderr naming the field and
/// the rule (or, for an optional field left out, a normal answer).
struct BadInputMatrixTests {
    @Test(arguments: BadInputMatrix.cases)
    func cliNamesTheFieldAndTheRule(input: BadInput) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let profile = directory.appendingPathComponent("profile.json")
        let request = directory.appendingPathComponent("request.json")
        try Data(input.profile.utf8).write(to: profile)
        try Data(input.request.utf8).write(to: request)
        let result = try BinaryRunner.run([
            "alternatives", "--profile", profile.path, "--request", request.path,
            "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25",
        ])
        guard let rule = input.rule else {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            return
        }
        #expect(result.status == 65, "\(result.stderr)")
        let file = input.document == "profile" ? profile.path : request.path
        #expect(result.stderr.hasPrefix("error: \(file)"), "\(result.stderr)")
        // `file: path: rule`, or `file:line:column: path: rule` for a number no decimal holds.
        #expect(result.stderr.contains(" \(input.path): "), "\(result.stderr)")
        #expect(result.stderr.contains(rule), "\(result.stderr)")
        #expect(result.stderr.count < 1000, "\(result.stderr.count) characters on stderr")
        #expect(
            result.stderr.unicodeScalars.allSatisfy { $0 == "\n" || $0.properties.generalCategory != .control },
            "a control character reached the terminal"
        )
        #expect(result.stdout.isEmpty)
    }

    static let healthy = BatchCommandTests.repository.appendingPathComponent("examples/profiles/healthy.json").path

    /// The request's amounts given as flags are held to the same bounds as the request document's fields.
    @Test(arguments: [
        (["--amount", "0"], "--amount: must be from 0.01 to 1000000000 yuan, got 0"),
        (["--amount=-5"], "--amount: must be from 0.01 to 1000000000 yuan, got -5"),
        (["--amount", "1000000000.01"], "--amount: must be from 0.01 to 1000000000 yuan, got 1000000000.01"),
        (["--max-monthly-payment", "0"], "--max-monthly-payment: must be from 0.01 to 100000000 yuan, got 0"),
        (
            ["--max-monthly-payment", "100000000.01"],
            "--max-monthly-payment: must be from 0.01 to 100000000 yuan, got 100000000.01"
        ),
    ])
    func cliAmountFlagsKeepTheDocumentsBounds(flags: [String], message: String) throws {
        let result = try BinaryRunner.run(
            ["alternatives", "--profile", Self.healthy, "--catalog", ProvidersCommandTests.catalog]
                + flags
        )
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func cliAmountFlagsAtTheBoundsAreAccepted() throws {
        let result = try BinaryRunner.run([
            "alternatives", "--profile", Self.healthy, "--catalog", ProvidersCommandTests.catalog,
            "--amount", "0.01", "--max-monthly-payment", "100000000", "--date", "2026-11-25", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let request = try #require(answer?["request"] as? [String: Any], "\(result.stdout.prefix(300))")
        #expect("\(request["amount"] ?? "")" == "0.01")
    }

    /// A field added to the profile or the request without rows here fails this test.
    @Test func theMatrixCoversEveryFieldOfTheWireFormat() throws {
        let profile = UserProfile(
            id: "u",
            age: 30,
            creditScore: 700,
            creditScore90DaysAgo: 700,
            repayment: RepaymentRecord(
                overdueCount12m: 0,
                overdueCount24m: 0,
                worstDaysPastDue: 0,
                currentOverdueAmount: .zero()
            ),
            cashOutFlags12m: 0,
            identity: .verified,
            monthlyIncome: .zero(),
            monthlyDebtPayments: .zero(),
            accounts: ["alipay"],
            services: ServiceStates(huabei: .open, jiebei: .open)
        )
        let request = LoanRequest(amount: Money(minorUnits: 100), termMonths: 12, maxMonthlyPayment: .zero())
        func paths(_ value: some Encodable) throws -> Set<String> {
            let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value))
            func walk(_ node: Any, _ prefix: String) -> [String] {
                guard let object = node as? [String: Any] else { return [] }
                return object.flatMap { key, child in
                    let path = prefix.isEmpty ? key : prefix + "." + key
                    return [path] + walk(child, path)
                }
            }
            return Set(walk(object, ""))
        }
        let covered = Set(BadInputMatrix.fields.map { "\($0.document).\($0.keys.joined(separator: "."))" })
        let wire = try paths(profile).map { "profile." + $0 } + paths(request).map { "request." + $0 }
        #expect(covered == Set(wire))
    }
}
