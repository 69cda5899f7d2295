package cgroups

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseUint(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    uint64
		wantErr string
	}{
		{"zero", "0", 0, ""},
		{"counter", "12345678", 12345678, ""},
		{"max uint64", "18446744073709551615", 1<<64 - 1, ""},
		{"overflow by one", "18446744073709551616", 0, "overflows 64 bits"},
		{"overflow by digits", "99999999999999999999", 0, "overflows 64 bits"},
		{"empty", "", 0, "empty number"},
		{"sign", "-1", 0, "invalid number"},
		{"plus", "+1", 0, "invalid number"},
		{"space", "1 ", 0, "invalid number"},
		{"decimal", "1.5", 0, "invalid number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUint([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if err == nil && got != tc.want {
				t.Errorf("ParseUint(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("err = %v, want one containing %q", err, want)
	}
}

func TestParseLimit(t *testing.T) {
	cases := []struct {
		name        string
		in          string
		want        uint64
		wantLimited bool
		wantErr     string
	}{
		{"max", "max\n", 0, false, ""},
		{"minus one", "-1\n", 0, false, ""},
		{"v1 page-aligned no limit", "9223372036854771712\n", 0, false, ""},
		{"2^62 exactly is still a limit", "4611686018427387904\n", 1 << 62, true, ""},
		{"just above 2^62", "4611686018427387905\n", 0, false, ""},
		{"max uint64", "18446744073709551615\n", 0, false, ""},
		{"256 MiB", "268435456\n", 268435456, true, ""},
		{"zero", "0\n", 0, true, ""},
		{"no newline, spaces", " 64 ", 64, true, ""},
		{"other negative", "-2\n", 0, false, "invalid number"},
		{"empty", "", 0, false, "empty number"},
		{"MAX upper case", "MAX\n", 0, false, "invalid number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, limited, err := ParseLimit([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if got != tc.want || limited != tc.wantLimited {
				t.Errorf("ParseLimit(%q) = %d, %v; want %d, %v", tc.in, got, limited, tc.want, tc.wantLimited)
			}
		})
	}
}

func TestParseCPUMax(t *testing.T) {
	cases := []struct {
		name          string
		in            string
		quota, period uint64
		limited       bool
		wantErr       string
	}{
		{"unlimited", "max 100000\n", 0, 100000, false, ""},
		{"half a core", "50000 100000\n", 50000, 100000, true, ""},
		{"two cores short period", "20000 10000\n", 20000, 10000, true, ""},
		{"one field", "max\n", 0, 0, false, "want \"QUOTA PERIOD\""},
		{"zero period", "50000 0\n", 0, 0, false, "period is 0"},
		{"bad period", "50000 max\n", 0, 0, false, "period: invalid number"},
		{"bad quota", "x 100000\n", 0, 0, false, "quota: invalid number"},
		{"three fields", "1 2 3\n", 0, 0, false, "period: invalid number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, p, limited, err := ParseCPUMax([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if q != tc.quota || p != tc.period || limited != tc.limited {
				t.Errorf("ParseCPUMax(%q) = %d %d %v; want %d %d %v", tc.in, q, p, limited, tc.quota, tc.period, tc.limited)
			}
		})
	}
}

func TestParseKeyed(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    [][2]string
		wantErr string
	}{
		{"cpu.stat", "usage_usec 10\nuser_usec 7\n", [][2]string{{"usage_usec", "10"}, {"user_usec", "7"}}, ""},
		{"blank lines and no final newline", "a 1\n\nb 2", [][2]string{{"a", "1"}, {"b", "2"}}, ""},
		{"tabs and extra spaces", "a\t1\nb   2  \n", [][2]string{{"a", "1"}, {"b", "2"}}, ""},
		{"value with spaces is kept whole", "a 1 2\n", [][2]string{{"a", "1 2"}}, ""},
		{"missing value", "a 1\nb\n", nil, "line 2: key \"b\" has no value"},
		{"missing key", " 1\n", nil, "line 1: missing key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got [][2]string
			err := ParseKeyed([]byte(tc.in), func(k, v []byte) error {
				got = append(got, [2]string{string(k), string(v)})
				return nil
			})
			checkErr(t, err, tc.wantErr)
			if err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseKeyedUints(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		keys      []string
		want      []uint64
		wantFound uint64
		wantErr   string
	}{
		{"v2 cpu.stat with throttling", "usage_usec 10\nnr_periods 4\nnr_throttled 1\nthrottled_usec 99\n",
			[]string{"usage_usec", "nr_periods", "nr_throttled", "throttled_usec"}, []uint64{10, 4, 1, 99}, 0b1111, ""},
		{"v2 cpu.stat without throttling", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n",
			[]string{"usage_usec", "nr_periods", "nr_throttled", "throttled_usec"}, []uint64{10, 0, 0, 0}, 0b0001, ""},
		{"unknown keys with odd values are skipped", "future x-y\nslab 1\ninactive_file 42\nnot a number\n",
			[]string{"inactive_file"}, []uint64{42}, 1, ""},
		{"bad value of a wanted key", "oom 1\noom_kill x\n", []string{"oom", "oom_kill"}, []uint64{1, 0}, 1, "line 2: oom_kill: invalid number \"x\""},
		{"malformed line anywhere", "a 1\nb\n", []string{"a"}, []uint64{1, 0}, 1, "line 2"},
		{"prefix of a key is not the key", "inactive_file_x 1\n", []string{"inactive_file"}, []uint64{0}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]uint64, len(tc.keys))
			found, err := ParseKeyedUints([]byte(tc.in), tc.keys, vals)
			checkErr(t, err, tc.wantErr)
			if err != nil {
				return
			}
			if found != tc.wantFound || !reflect.DeepEqual(vals, tc.want) {
				t.Errorf("got %b %v, want %b %v", found, vals, tc.wantFound, tc.want)
			}
		})
	}
	if _, err := ParseKeyedUints(nil, make([]string, 65), make([]uint64, 65)); err == nil {
		t.Error("65 keys accepted")
	}
}

func TestParseIOStat(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    IOTotals
		wantErr string
	}{
		{"two devices", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n253:0 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=0 dios=0\n", IOTotals{11, 22}, ""},
		{"keys in any order with cost keys", "8:0 wios=2 wbytes=20 cost.vrate=100.00 cost.usage=5 rbytes=10\n", IOTotals{10, 20}, ""},
		{"device-only line", "7:0\n8:0 rbytes=1 wbytes=1\n", IOTotals{1, 1}, ""},
		{"empty", "", IOTotals{}, ""},
		{"no device", "rbytes=1\n", IOTotals{}, "line 1: want MAJ:MIN"},
		{"token without =", "8:0 rbytes\n", IOTotals{}, "want key=value"},
		{"bad number", "8:0 rbytes=-1\n", IOTotals{}, "rbytes: invalid number"},
		{"sum overflows", "8:0 rbytes=18446744073709551615\n8:1 rbytes=1\n", IOTotals{}, "rbytes sum overflows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIOStat([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseBlkioServiceBytes(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    IOTotals
		wantErr string
	}{
		{"no IO (this machine's root)", "Total 0\n", IOTotals{}, ""},
		{"two devices", "8:0 Read 10\n8:0 Write 20\n8:0 Sync 30\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 30\n" +
			"8:16 Read 1\n8:16 Write 2\n8:16 Sync 3\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 3\nTotal 33\n", IOTotals{11, 22}, ""},
		{"empty", "", IOTotals{}, ""},
		{"missing value", "8:0 Read\n", IOTotals{}, "want \"MAJ:MIN Op N\""},
		{"too many fields", "8:0 Read 1 2\n", IOTotals{}, "too many fields"},
		{"bad Total", "Total x\n", IOTotals{}, "Total: invalid number"},
		{"sum overflows", "8:0 Write 18446744073709551615\n8:1 Write 1\n", IOTotals{}, "Write sum overflows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseBlkioServiceBytes([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParsePSI(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    PSI
		wantErr string
	}{
		{"some and full", "some avg10=17.17 avg60=4.44 avg300=1.78 total=9051005\nfull avg10=0.50 avg60=0.00 avg300=0.00 total=0\n",
			PSI{SomeAvg10: 17.17, FullAvg10: 0.5, HasSome: true, HasFull: true}, ""},
		{"cpu without full", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", PSI{HasSome: true}, ""},
		{"hundred", "some avg10=100.00 avg60=100.00 avg300=100.00 total=1\n", PSI{SomeAvg10: 100, HasSome: true}, ""},
		{"unknown kind", "most avg10=1.00\n", PSI{}, "want some or full"},
		{"no avg10", "some avg60=1.00\n", PSI{}, "has no avg10"},
		{"nan", "some avg10=nan\n", PSI{}, "invalid decimal"},
		{"negative", "some avg10=-1.00\n", PSI{}, "invalid decimal"},
		{"exponent", "some avg10=1e3\n", PSI{}, "invalid decimal"},
		{"two dots", "some avg10=1.0.0\n", PSI{}, "invalid decimal"},
		{"trailing dot", "some avg10=1.\n", PSI{}, "invalid decimal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePSI([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseProcs(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    []int
		wantErr string
	}{
		{"pids", "1\n42\n", []int{1, 42}, ""},
		{"empty cgroup", "", nil, ""},
		{"zero", "0\n", nil, "out of range"},
		{"garbage", "1\nx\n", nil, "line 2: invalid number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseProcs([]byte(tc.in))
			checkErr(t, err, tc.wantErr)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
