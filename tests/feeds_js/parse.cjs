// Parse an iCalendar document from stdin with Mozilla's ical.js (Thunderbird's parser)
// and print what the tests compare: calendar properties and each event's UTC times.
const ICAL = require("ical.js");

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(text)); // throws on malformed input
  const property = (name) => {
    const value = calendar.getFirstPropertyValue(name);
    return value === null ? null : value.toString();
  };
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
      summary: event.summary,
      location: event.location,
      description: event.description,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      dtstamp: component.getFirstPropertyValue("dtstamp").toJSDate().toISOString(),
    };
  });
  const timezones = calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid"));
  process.stdout.write(
    JSON.stringify({
      name: property("name"),
      calname: property("x-wr-calname"),
      refresh: property("refresh-interval"),
      ttl: property("x-published-ttl"),
      method: property("method"),
      timezones,
      events,
    }),
  );
});
