package prebuilt

func init() { floors["NumberModel"] = 226 }
