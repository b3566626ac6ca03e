// Read an iCalendar document on stdin and a JSON list of UTC instants in argv[2]; print
// the UTC offset (seconds) that ical.js's reading of the document's VTIMEZONE gives each.
const ICAL = require("ical.js");

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = new ICAL.Timezone(calendar.getFirstSubcomponent("vtimezone"));
  const offsets = JSON.parse(process.argv[2]).map((iso) => {
    const time = ICAL.Time.fromJSDate(new Date(iso), true); // UTC
    return zone.utcOffset(time.convertToZone(ICAL.Timezone.utcTimezone));
  });
  process.stdout.write(JSON.stringify(offsets));
});
