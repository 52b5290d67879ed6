package mockmonitor

import (
	"crypto/sha1"
	"encoding/hex"

	"github.com/asyncroute/asyncroute/internal/awstypes"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
	"us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
	"eu-west-1": "Europe (Ireland)", "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)",
	"eu-central-1": "Europe (Frankfurt)", "eu-north-1": "Europe (Stockholm)",
	"ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
	"ap-northeast-1": "Asia Pacific (Tokyo)", "ap-south-1": "Asia Pacific (Mumbai)",
	"ca-central-1": "Canada (Central)", "sa-east-1": "South America (Sao Paulo)",
	"cn-north-1": "China (Beijing)", "us-gov-west-1": "AWS GovCloud (US-West)",
}

func regionDescription(region string) string {
	if d, ok := regionNames[region]; ok {
		return d
	}
	return region
}

// suffix is the deterministic stand-in for Pulumi's random auto-name suffix.
func suffix(urn string) string {
	h := sha1.Sum([]byte(urn))
	return hex.EncodeToString(h[:])[:7]
}

// fake returns the id and the outputs AWS would add for r, created in
// region and account (package awstypes' fakes).
func fake(r *stackgraph.Resource, region, account string) (string, map[string]any, *awstypes.Type) {
	t := awstypes.Of(r.Type)
	f := awstypes.Faker{Place: awstypes.PlaceIn(account, region), Suffix: suffix}
	id, outs := t.Fake(f, awstypes.Resource{URN: r.URN, Name: r.Name, Inputs: r.Inputs})
	return id, outs, t
}
