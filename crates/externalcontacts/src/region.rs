//! Genesys Cloud regions and their API and login hosts.

use std::fmt;
use std::str::FromStr;

/// A Genesys Cloud region. Each has an API host `api.<domain>` and a login host
/// `login.<domain>`, where the OAuth token endpoint is.
///
/// Parse one from its AWS-style name (`us-east-1`, `eu_west_1`) or from its domain
/// (`mypurecloud.ie`, `api.mypurecloud.ie`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Region {
    /// Americas (US East), `mypurecloud.com`.
    UsEast1,
    /// EMEA (Dublin), `mypurecloud.ie`.
    EuWest1,
    /// Asia Pacific (Sydney), `mypurecloud.com.au`.
    ApSoutheast2,
    /// Asia Pacific (Tokyo), `mypurecloud.jp`.
    ApNortheast1,
    /// EMEA (Frankfurt), `mypurecloud.de`.
    EuCentral1,
    /// Americas (US West), `usw2.pure.cloud`.
    UsWest2,
    /// Americas (Canada), `cac1.pure.cloud`.
    CaCentral1,
    /// Asia Pacific (Seoul), `apne2.pure.cloud`.
    ApNortheast2,
    /// EMEA (London), `euw2.pure.cloud`.
    EuWest2,
    /// Asia Pacific (Mumbai), `aps1.pure.cloud`.
    ApSouth1,
    /// Americas (US East 2, FedRAMP), `use2.us-gov-pure.cloud`.
    UsEast2,
    /// Americas (São Paulo), `sae1.pure.cloud`.
    SaEast1,
    /// Middle East (UAE), `mec1.pure.cloud`.
    MeCentral1,
    /// Asia Pacific (Osaka), `apne3.pure.cloud`.
    ApNortheast3,
    /// EMEA (Zurich), `euc2.pure.cloud`.
    EuCentral2,
    /// Americas (Mexico), `mxc1.pure.cloud`.
    MxCentral1,
    /// Asia Pacific (Singapore), `apse1.pure.cloud`.
    ApSoutheast1,
    /// EMEA (European Sovereign Cloud, Germany), `edee1.eusc-pure.cloud`.
    // NOTE: the AWS-style names of the last three regions follow AWS's own names for those
    // locations; Genesys's SDKs may spell them differently.
    EuscDeEast1,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 18] = [
        Region::UsEast1,
        Region::EuWest1,
        Region::ApSoutheast2,
        Region::ApNortheast1,
        Region::EuCentral1,
        Region::UsWest2,
        Region::CaCentral1,
        Region::ApNortheast2,
        Region::EuWest2,
        Region::ApSouth1,
        Region::UsEast2,
        Region::SaEast1,
        Region::MeCentral1,
        Region::ApNortheast3,
        Region::EuCentral2,
        Region::MxCentral1,
        Region::ApSoutheast1,
        Region::EuscDeEast1,
    ];

    /// Returns the AWS-style name, such as `us-east-1`.
    pub fn name(self) -> &'static str {
        self.names().0
    }

    /// Returns the domain that the API and login hosts share, such as `mypurecloud.com`.
    pub fn domain(self) -> &'static str {
        self.names().1
    }

    /// Returns the API base URL, such as `https://api.mypurecloud.com`.
    pub fn api_base_url(self) -> String {
        format!("https://api.{}", self.domain())
    }

    /// Returns the login base URL, such as `https://login.mypurecloud.com`.
    pub fn login_base_url(self) -> String {
        format!("https://login.{}", self.domain())
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Region::UsEast1 => ("us-east-1", "mypurecloud.com"),
            Region::EuWest1 => ("eu-west-1", "mypurecloud.ie"),
            Region::ApSoutheast2 => ("ap-southeast-2", "mypurecloud.com.au"),
            Region::ApNortheast1 => ("ap-northeast-1", "mypurecloud.jp"),
            Region::EuCentral1 => ("eu-central-1", "mypurecloud.de"),
            Region::UsWest2 => ("us-west-2", "usw2.pure.cloud"),
            Region::CaCentral1 => ("ca-central-1", "cac1.pure.cloud"),
            Region::ApNortheast2 => ("ap-northeast-2", "apne2.pure.cloud"),
            Region::EuWest2 => ("eu-west-2", "euw2.pure.cloud"),
            Region::ApSouth1 => ("ap-south-1", "aps1.pure.cloud"),
            Region::UsEast2 => ("us-east-2", "use2.us-gov-pure.cloud"),
            Region::SaEast1 => ("sa-east-1", "sae1.pure.cloud"),
            Region::MeCentral1 => ("me-central-1", "mec1.pure.cloud"),
            Region::ApNortheast3 => ("ap-northeast-3", "apne3.pure.cloud"),
            Region::EuCentral2 => ("eu-central-2", "euc2.pure.cloud"),
            Region::MxCentral1 => ("mx-central-1", "mxc1.pure.cloud"),
            Region::ApSoutheast1 => ("ap-southeast-1", "apse1.pure.cloud"),
            Region::EuscDeEast1 => ("eusc-de-east-1", "edee1.eusc-pure.cloud"),
        }
    }
}

impl Default for Region {
    /// `us-east-1`, the region of `mypurecloud.com`.
    fn default() -> Self {
        Region::UsEast1
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A text that names no Genesys Cloud region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRegion {
    /// The text that was parsed.
    pub input: String,
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Genesys Cloud region `{}`; use one of: ",
            self.input
        )?;
        for (index, region) in Region::ALL.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            write!(f, "{separator}{} ({})", region.name(), region.domain())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownRegion {}

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Accepts the AWS-style name in any case with `-` or `_`, or the domain with an optional
    /// `https://` and `api.` or `login.` prefix.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let normalized = input.trim().to_ascii_lowercase();
        let name = normalized.replace('_', "-");
        let host = normalized
            .trim_start_matches("https://")
            .trim_end_matches('/');
        let domain = host
            .strip_prefix("api.")
            .or_else(|| host.strip_prefix("login."))
            .unwrap_or(host);
        Region::ALL
            .into_iter()
            .find(|region| region.name() == name || region.domain() == domain)
            .ok_or_else(|| UnknownRegion {
                input: input.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_domains_round_trip() {
        for region in Region::ALL {
            assert_eq!(region.name().parse::<Region>(), Ok(region));
            assert_eq!(
                region
                    .name()
                    .replace('-', "_")
                    .to_uppercase()
                    .parse::<Region>(),
                Ok(region)
            );
            assert_eq!(region.domain().parse::<Region>(), Ok(region));
            assert_eq!(region.api_base_url().parse::<Region>(), Ok(region));
            assert_eq!(
                format!("login.{}", region.domain()).parse::<Region>(),
                Ok(region)
            );
            assert_eq!(region.to_string().parse::<Region>(), Ok(region));
        }
    }

    #[test]
    fn hosts_follow_the_domain() {
        assert_eq!(Region::EuWest1.api_base_url(), "https://api.mypurecloud.ie");
        assert_eq!(
            Region::UsEast2.login_base_url(),
            "https://login.use2.us-gov-pure.cloud"
        );
        assert_eq!(
            Region::EuscDeEast1.api_base_url(),
            "https://api.edee1.eusc-pure.cloud"
        );
    }

    #[test]
    fn unknown_region_lists_valid_ones() {
        let err = "mars-north-1".parse::<Region>().unwrap_err();

        let message = err.to_string();
        assert!(
            message.starts_with("unknown Genesys Cloud region `mars-north-1`"),
            "{message}"
        );
        assert!(message.contains("us-east-1 (mypurecloud.com)"), "{message}");
        assert!(
            message.contains("eusc-de-east-1 (edee1.eusc-pure.cloud)"),
            "{message}"
        );
    }

    #[test]
    fn all_regions_are_distinct() {
        let mut domains: Vec<&str> = Region::ALL.iter().map(|region| region.domain()).collect();
        domains.sort_unstable();
        domains.dedup();
        assert_eq!(domains.len(), 18);
    }
}
