/**
 * Passwords that guessing tools try first (the top of public breach-frequency lists, plus the
 * product's own name and the defaults of the boards it runs on). Compared lower-cased, so
 * "Password1" counts too. Shipped with the code: the console must work offline.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
  "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
  "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777",
  "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh",
  "hunter", "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000",
  "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george",
  "computer", "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom",
  "777777", "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda", "summer",
  "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees", "987654321", "dallas",
  "austin", "thunder", "taylor", "matrix", "mobilemail", "mom", "monitor", "monitoring", "montana", "moon",
  "moscow", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "welcome", "welcome1",
  "welcome123", "admin", "admin123", "administrator", "root", "toor", "changeme", "changeme123", "default",
  "guest", "login", "letmein1", "qwerty123", "qwerty1", "qwertyui", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e",
  "1qaz2wsx3edc", "zaq12wsx", "zaq1zaq1", "q1w2e3r4", "q1w2e3r4t5", "asdfghjkl", "asdf1234", "abcd1234",
  "abcdef", "abcdefg", "abcdefgh", "abcdefghij", "12341234", "11223344", "123454321", "1234512345",
  "0123456789", "9876543210", "87654321", "12344321", "00000000", "0000000000", "1111111111", "2222222222",
  "123123123", "123456a", "123456abc", "a123456", "a1b2c3d4", "aa123456", "iloveyou1", "iloveyou2",
  "football1", "baseball1", "superman1", "princess1", "sunshine1", "monkey123", "dragon123", "master123",
  "shadow123", "secret", "secret123", "test", "test123", "test1234", "testing", "testing123", "demo",
  "demo1234", "edgelens", "edgelens123", "edgelens1", "console", "console123", "hello", "hello123",
  "helloworld", "whatever", "letmein123", "starwars1", "michael1", "jennifer1", "jordan23", "blink182",
  "samsung", "apple", "google", "facebook", "linkedin", "microsoft", "internet", "computer1", "security",
  "password12", "password1234", "passwordpassword", "passpass", "pass1234", "pass12345", "adminadmin",
  "administrator1", "rootroot", "root1234", "qwertyqwerty", "asdfasdf", "zxcvbnm1", "zxcvbnm123", "1qazxsw2",
  "qweasd", "qweasdzxc", "qweasdzxc123", "azerty", "azerty123", "loveme", "lovely", "fuckyou", "fuckyou1",
  "ninja", "mustang1", "access14", "master1", "jesus", "jesus1", "hannah1", "charlie1", "summer2024",
  "summer2025", "summer2026", "winter2024", "winter2025", "winter2026", "spring2025", "spring2026",
  "autumn2025", "password2024", "password2025", "password2026", "welcome2025", "welcome2026", "changeme1",
  "letmein!", "password!", "qwerty!", "admin1234", "admin12345", "administrator123", "superuser", "supervisor",
  "operator", "camera", "cameras", "security1", "monitoring1", "raspberry", "raspberrypi", "ubuntu", "debian",
  "linux123", "nvidia", "jetson", "orange", "orangepi",
]);
