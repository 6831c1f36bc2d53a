// Package jvalues emulates the Java behaviour that Kafka Connect's data handling relies on and
// that converters and transforms share: org.apache.kafka.connect.data.Values (parseString,
// convertToString), Java's Double/Float/BigDecimal toString, class names in error messages,
// Decimal's logical conversion and the Julian–Gregorian calendar. One copy, so a JSON converter
// and an InsertHeader literal read and print values the same way.
//
// Import rule: connector (the SPI) only.
package jvalues
