package prebuilt

func init() { floors["DateTimeModel"] = 672 }
